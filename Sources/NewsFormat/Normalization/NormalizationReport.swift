/// What normalizing a text changed, for the record's warnings.
public struct NormalizationReport: Sendable, Equatable {
    /// Tone marks placed where no style allows them, moved (`hòan` → `hoàn`), plus `uơ` → `ươ` repairs.
    public var toneMarksRepaired = 0
    /// Words with a tone mark typed twice made one (`dàì` → `dài`).
    public var doubleTonesRepaired = 0
    /// Onsets spelled against their vowel respelled (`nghành` → `ngành`, `kủa` → `của`).
    public var onsetSpellingsRepaired = 0
    /// Tone marks moved from one allowed style to the chosen one (`hoà` → `hòa`); not a defect of the input.
    public var toneMarksRestyled = 0
    /// `Ð`/`ð` typed for `Đ`/`đ` inside Vietnamese words, repaired.
    public var dStrokesRepaired = 0
    /// Control characters (C0 other than tab and line ends, DEL, C1) removed.
    public var controlCharactersRemoved = 0
    /// Zero-width characters, soft hyphens and direction marks removed.
    public var invisibleCharactersRemoved = 0
    /// True when the text was not NFC and was composed.
    public var composedToNFC = false
    /// Combining marks dropped from runs longer than Unicode's Stream-Safe Text Format allows (30).
    public var combiningMarksDropped = 0
    /// True when a pass over the words stopped at the normalizer's deadline: the text is not all normalized.
    var stoppedAtDeadline = false
    /// True when the result holds a capital with a tone mark (read by the pass over the words, for
    /// ``LostCapitals``, which has nothing to restore then).
    var sawTonedCapital = false

    /// Creates an empty report.
    public init() {}

    /// Adds the counts of `other`.
    mutating func add(_ other: NormalizationReport) {
        toneMarksRepaired += other.toneMarksRepaired
        toneMarksRestyled += other.toneMarksRestyled
        doubleTonesRepaired += other.doubleTonesRepaired
        onsetSpellingsRepaired += other.onsetSpellingsRepaired
        dStrokesRepaired += other.dStrokesRepaired
        controlCharactersRemoved += other.controlCharactersRemoved
        invisibleCharactersRemoved += other.invisibleCharactersRemoved
        composedToNFC = composedToNFC || other.composedToNFC
        combiningMarksDropped += other.combiningMarksDropped
        stoppedAtDeadline = stoppedAtDeadline || other.stoppedAtDeadline
        sawTonedCapital = sawTonedCapital || other.sawTonedCapital
    }
}
