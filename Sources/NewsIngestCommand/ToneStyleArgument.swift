import ArgumentParser
import NewsFormat

extension ToneStyle: ExpressibleByArgument {}

/// The `--tone-style` option both `parse` and `normalize` take.
struct ToneStyleOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Tone-mark placement in oa/oe/uy: press (hòa, thủy), modern (hoà, thuỷ) or keep (as written).",
            valueName: "press|modern|keep"
        )
    )
    var toneStyle: ToneStyle = .press
}
