/// The cookbook's `num_tokens_for_tools` over `tools` and legacy `functions`.
///
/// Per function: `functionInit` + tokens("name:description") (one trailing `.` of the
/// description dropped); if it has properties: `propertiesInit`, then per property
/// `propertyKey` + tokens("key:type:description") (one trailing `.` dropped), and if the
/// property has an `enum`, `enumInit` + per item (`enumItem` + tokens(item)). After all
/// functions, `functionsEnd` once. Source: OpenAI cookbook, "How to count tokens with tiktoken".
///
/// Extrapolations (the cookbook's code would raise on these), documented as such:
/// - a missing `description` or property `type` counts as empty text;
/// - a `type` array (`["string", "null"]`) is written as its strings joined by `,`;
/// - a non-string enum item counts as its JSON text (`7`, `true`, `null`);
/// - nested properties (objects inside properties) are not walked, as in the cookbook;
/// - a tool whose `type` is not `function` (built-in tools) is not counted and marks the
///   count incomplete;
/// - `tools` and `functions` together are one list with one `functionsEnd`.
struct ToolCounting {
    let encoder: Encoding
    let specials: SpecialTokenPolicy
    let rule: ToolRule
    private(set) var incompleteReasons: [String] = []
    /// Whether at least one function definition was counted.
    private(set) var sawDefinitions = false

    init(encoder: Encoding, specials: SpecialTokenPolicy, rule: ToolRule) {
        self.encoder = encoder
        self.specials = specials
        self.rule = rule
    }

    mutating func count(tools: JSONValue?, functions: JSONValue?) throws(ChatPromptError) -> Int {
        // Paths are built only for an error or a note: most bodies need none of them.
        var definitions: [(function: JSONObject, path: () -> String)] = []
        for (index, tool) in try Self.array(tools, at: "tools").enumerated() {
            func path() -> String { "tools[\(index)]" }
            guard case .object(let object) = tool else {
                throw .invalidShape(path: path(), expected: "object", found: tool.typeName)
            }
            let type = try ChatPromptCounter.optionalString(object["type"], at: "\(path()).type") ?? "function"
            guard type == "function" else {
                incompleteReasons.append("\(path()): tool type '\(type)' not counted")
                continue
            }
            definitions.append(
                (try Self.object(object["function"], at: "\(path()).function"), { "tools[\(index)].function" }))
        }
        for (index, function) in try Self.array(functions, at: "functions").enumerated() {
            definitions.append((try Self.object(function, at: "functions[\(index)]"), { "functions[\(index)]" }))
        }
        guard !definitions.isEmpty else { return 0 }
        sawDefinitions = true
        var total = 0
        for (function, path) in definitions {
            total += try count(function: function, at: path())
        }
        return total + rule.functionsEnd
    }

    private func count(function: JSONObject, at path: @autoclosure () -> String) throws(ChatPromptError) -> Int {
        let name = try ChatPromptCounter.requiredString(function["name"], at: "\(path()).name")
        let description =
            try ChatPromptCounter.optionalString(function["description"], at: "\(path()).description") ?? ""
        var total = rule.functionInit + tokens(name + ":" + Self.droppingFinalPeriod(description))
        guard let parameters = function["parameters"], !parameters.isNull else { return total }
        let parametersObject = try Self.object(parameters, at: "\(path()).parameters")
        guard let propertiesValue = parametersObject["properties"], !propertiesValue.isNull else { return total }
        let properties = try Self.object(propertiesValue, at: "\(path()).parameters.properties")
        guard properties.count > 0 else { return total }
        total += rule.propertiesInit
        for (key, value) in properties.pairs {
            func propertyPath() -> String { "\(path()).parameters.properties.\(key)" }
            let property = try Self.object(value, at: propertyPath())
            total += rule.propertyKey
            if let enumValue = property["enum"], !enumValue.isNull {
                total += rule.enumInit
                for item in try Self.array(enumValue, at: "\(propertyPath()).enum") {
                    total += rule.enumItem + tokens(Self.text(of: item))
                }
            }
            let type = try Self.typeText(property["type"], at: "\(propertyPath()).type")
            let description =
                try ChatPromptCounter.optionalString(property["description"], at: "\(propertyPath()).description") ?? ""
            total += tokens("\(key):\(type):\(Self.droppingFinalPeriod(description))")
        }
        return total
    }

    private func tokens(_ text: String) -> Int { encoder.count(text, specials: specials) }

    static func droppingFinalPeriod(_ text: String) -> String {
        text.hasSuffix(".") ? String(text.dropLast()) : text
    }

    static func typeText(_ value: JSONValue?, at path: @autoclosure () -> String) throws(ChatPromptError) -> String {
        switch value {
        case nil, .null?: return ""
        case .string(let type)?: return type
        case .array(let types)?: return types.map(text(of:)).joined(separator: ",")
        case let other?: throw .invalidShape(path: path(), expected: "string or array", found: other.typeName)
        }
    }

    /// A scalar's text: strings as they are, other values as their JSON text.
    static func text(of value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let literal): literal
        case .bool(let flag): flag ? "true" : "false"
        case .null: "null"
        case .array, .object: ""
        }
    }

    static func array(_ value: JSONValue?, at path: @autoclosure () -> String) throws(ChatPromptError) -> [JSONValue] {
        switch value {
        case nil, .null?: return []
        case .array(let items)?: return items
        case let other?: throw .invalidShape(path: path(), expected: "array", found: other.typeName)
        }
    }

    static func object(_ value: JSONValue?, at path: @autoclosure () -> String) throws(ChatPromptError) -> JSONObject {
        switch value {
        case nil, .null?: throw .missing(path: path())
        case .object(let object)?: return object
        case let other?: throw .invalidShape(path: path(), expected: "object", found: other.typeName)
        }
    }
}
