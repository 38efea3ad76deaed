/// A point in time with millisecond precision, formatted as RFC 3339 UTC (`2025-12-07T08:15:30.123Z`).
public struct Timestamp: Sendable, Equatable, Comparable, Hashable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSince1970: Int64

    /// Creates a timestamp.
    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    /// The millisecond holding the time `nanosecondsSince1970` (rounded down, as file times are written).
    public init(nanosecondsSince1970 nanoseconds: Int64) {
        let milliseconds = nanoseconds / 1_000_000
        self.millisecondsSince1970 = nanoseconds < 0 && nanoseconds % 1_000_000 != 0 ? milliseconds - 1 : milliseconds
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    /// RFC 3339 in UTC with milliseconds.
    public var rfc3339: String {
        var bytes: [UInt8] = []
        appendRFC3339(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``rfc3339``'s UTF-8 to `bytes`, digit by digit: records carry one or two timestamps each, and
    /// this writes them without a string in between.
    func appendRFC3339(to bytes: inout [UInt8]) {
        let milliseconds = Int(millisecondsSince1970 %% 1000)
        let seconds = (millisecondsSince1970 - Int64(milliseconds)) / 1000
        let days = Int((seconds - seconds %% 86_400) / 86_400)
        let secondOfDay = Int(seconds %% 86_400)
        let (year, month, day) = Self.civilDate(daysSince1970: days)
        if year > 9999 || year < 0 {
            // Out of RFC 3339's range; written in full so that it is at least readable.
            bytes.append(contentsOf: String(year).utf8)
        } else {
            Self.append(year, width: 4, to: &bytes)
        }
        bytes.append(UInt8(ascii: "-"))
        Self.append(month, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.append(day, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        Self.append(secondOfDay / 3600, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.append(secondOfDay / 60 % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.append(secondOfDay % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        Self.append(milliseconds, width: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// Appends the last `width` decimal digits of `value` (not negative), zero-padded.
    @inline(__always)
    private static func append(_ value: Int, width: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor &*= 10 }
        while divisor > 0 {
            bytes.append(UInt8(truncatingIfNeeded: 0x30 &+ value / divisor % 10))
            divisor /= 10
        }
    }

    /// Howard Hinnant's `civil_from_days`: proleptic Gregorian date of a day count.
    static func civilDate(daysSince1970: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    /// Floored modulo: the result has the sign of the divisor.
    fileprivate static func %% (lhs: Int64, rhs: Int64) -> Int64 {
        let remainder = lhs % rhs
        return remainder < 0 ? remainder + rhs : remainder
    }
}

infix operator %% : MultiplicationPrecedence
