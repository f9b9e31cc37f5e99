/// new-api's completion ratio of a model, which is not only the `CompletionRatio` option:
/// `GetCompletionRatio` (`setting/ratio_setting/model_ratio.go`) takes, in order, the option's
/// value for a name containing `/`; then a ratio hard-coded in the gateway that is *locked*
/// (the option cannot change it); then the option's value; then the hard-coded default.
/// `prices import` reproduces this so a model priced by the gateway's code is priced the same.
///
/// The hard-coded table is the one in `getHardcodedCompletionModelRatio` of new-api's
/// `setting/ratio_setting/model_ratio.go` (read at commit 00f6587d); ratios written there as
/// float64 quotients (`4.0 / 3.0`, `2.5 / 0.3`) are the gateway's float64 values
/// (`GatewayFloat.quotient`). A gateway of another version may differ for a model: the catalog
/// records every completion ratio it used, so `prices check` and `explain` show it.
enum GatewayCompletionRatio {
    static func resolve(_ name: String, option: [String: Rational]) -> Rational {
        if name.contains("/"), let ratio = option[name] { return ratio }
        let (hardCoded, locked) = hardCodedRatio(name)
        if locked { return hardCoded }
        return option[name] ?? hardCoded
    }

    static func q(_ a: String, _ b: String) -> Rational {
        GatewayFloat.quotient(try! Rational(parsing: a), try! Rational(parsing: b))!
    }

    static func r(_ text: String) -> Rational { try! Rational(parsing: text) }

    /// (ratio, locked) as `getHardcodedCompletionModelRatio` returns them.
    static func hardCodedRatio(_ name: String) -> (Rational, Bool) {
        if name.hasSuffix("-all") || name.hasSuffix("-gizmo-*") { return (r("2"), false) }
        if name.hasPrefix("gpt-") { return gptRatio(name) }
        if name.hasPrefix("o1") || name.hasPrefix("o3") { return (r("4"), true) }
        if name == "chatgpt-4o-latest" { return (r("3"), true) }
        if name.contains("claude-3") { return (r("5"), true) }
        if ["claude-sonnet-4", "claude-opus-4", "claude-haiku-4", "claude-fable-5", "claude-sonnet-5", "claude-opus-5"]
            .contains(where: { name.contains($0) })
        {
            return (r("5"), true)
        }
        if name.hasPrefix("gpt-3.5") {
            if name == "gpt-3.5-turbo" || name.hasSuffix("0125") { return (r("3"), true) }
            if name.hasSuffix("1106") { return (r("2"), true) }
            return (q("4", "3"), true)
        }
        if name.hasPrefix("mistral-") { return (r("3"), true) }
        if name.hasPrefix("gemini-") { return geminiRatio(name) }
        if name.hasPrefix("command") {
            switch name {
            case "command-r": return (r("3"), true)
            case "command-r-plus": return (r("5"), true)
            case "command-r-08-2024", "command-r-plus-08-2024": return (r("4"), true)
            default: return (r("4"), false)
            }
        }
        if ["ERNIE-Speed-", "ERNIE-Lite-", "ERNIE-Character", "ERNIE-Functions"].contains(where: { name.hasPrefix($0) })
        {
            return (r("2"), true)
        }
        switch name {
        case "llama2-70b-4096": return (q("0.8", "0.64"), true)
        case "llama3-8b-8192": return (r("2"), true)
        case "llama3-70b-8192": return (q("0.79", "0.59"), true)
        default: return (r("1"), false)
        }
    }

    /// The `gpt-` branch of `getHardcodedCompletionModelRatio`.
    static func gptRatio(_ name: String) -> (Rational, Bool) {
        if name.hasPrefix("gpt-4o") {
            if name == "gpt-4o-2024-05-13" { return (r("3"), true) }
            if name.hasPrefix("gpt-4o-mini-tts") { return (r("20"), false) }
            return (r("4"), false)
        }
        if name.hasPrefix("gpt-5") {
            if !name.contains(".") { return (r("8"), true) }
            if name.hasPrefix("gpt-5.4") {
                return name.hasPrefix("gpt-5.4-nano") ? (r("6.25"), true) : (r("6"), true)
            }
            return (r("6"), false)
        }
        if name.hasPrefix("gpt-4.5-preview") { return (r("2"), true) }
        if name.hasPrefix("gpt-4-turbo") || name.hasSuffix("gpt-4-1106") || name.hasSuffix("gpt-4-1105") {
            return (r("3"), true)
        }
        return (r("2"), false)
    }

    /// The `gemini-` branch of `getHardcodedCompletionModelRatio`.
    static func geminiRatio(_ name: String) -> (Rational, Bool) {
        if name.hasPrefix("gemini-1.5") || name.hasPrefix("gemini-2.0") { return (r("4"), true) }
        if name.hasPrefix("gemini-2.5-pro") { return (r("8"), false) }
        if name.hasPrefix("gemini-2.5-flash") {
            if name.hasPrefix("gemini-2.5-flash-preview") {
                return name.hasSuffix("-nothinking") ? (r("4"), false) : (q("3.5", "0.15"), false)
            }
            if name.hasPrefix("gemini-2.5-flash-lite") { return (r("4"), false) }
            return (q("2.5", "0.3"), false)
        }
        if name.hasPrefix("gemini-robotics-er-1.5") { return (q("2.5", "0.3"), false) }
        if name.hasPrefix("gemini-3-pro") {
            return name.hasPrefix("gemini-3-pro-image") ? (r("60"), false) : (r("6"), false)
        }
        return (r("4"), false)
    }
}
