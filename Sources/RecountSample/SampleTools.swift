import RecountKit
import TokenCounter

/// Function-tool definitions and calls for generated chat requests: tool definitions are
/// counted by the cookbook's `num_tokens_for_tools` rule and tool calls by name + arguments,
/// so a realistic share of requests must carry them.
enum SampleTools {
    struct Tool {
        let name: String
        let definition: JSONValue
        /// Argument names with sample values (as JSON text), for generated calls.
        let arguments: [(String, [String])]
    }

    struct Call {
        let id: String
        let name: String
        let arguments: String
        var json: JSONValue {
            .fields([
                ("id", .string(id)), ("type", .string("function")),
                ("function", .fields([("name", .string(name)), ("arguments", .string(arguments))])),
            ])
        }
    }

    static func property(_ type: String, _ description: String, enum values: [String]? = nil) -> JSONValue {
        var fields: [(String, JSONValue)] = [("type", .string(type)), ("description", .string(description))]
        if let values { fields.append(("enum", .array(values.map(JSONValue.string)))) }
        return .fields(fields)
    }

    static func tool(
        _ name: String, _ description: String, _ properties: [(String, JSONValue)], required: [String],
        arguments: [(String, [String])]
    ) -> Tool {
        let parameters = JSONValue.fields([
            ("type", .string("object")), ("properties", .fields(properties)),
            ("required", .array(required.map(JSONValue.string))),
        ])
        let function = JSONValue.fields([
            ("name", .string(name)), ("description", .string(description)), ("parameters", parameters),
        ])
        return Tool(
            name: name, definition: .fields([("type", .string("function")), ("function", function)]),
            arguments: arguments)
    }

    static let all: [Tool] = [
        tool(
            "get_weather", "Get the current weather in a given location.",
            [
                ("location", property("string", "The city and country, e.g. Shanghai, China")),
                ("unit", property("string", "Temperature unit", enum: ["celsius", "fahrenheit"])),
            ],
            required: ["location"],
            arguments: [
                ("location", ["\"Shanghai, China\"", "\"Berlin, Germany\"", "\"东京\""]),
                ("unit", ["\"celsius\"", "\"fahrenheit\""]),
            ]),
        tool(
            "get_balance", "Get an account's balance in points.",
            [("account", property("string", "Account id"))],
            required: ["account"], arguments: [("account", ["\"acme-corp\"", "\"张三工作室\"", "\"user_10293\""])]),
        tool(
            "search_docs", "Search the knowledge base and return the best matching passages.",
            [
                ("query", property("string", "What to search for")),
                ("top_k", property("integer", "How many passages to return")),
            ],
            required: ["query"],
            arguments: [
                ("query", ["\"refund policy\"", "\"退款政策\"", "\"rate limits per key\""]),
                ("top_k", ["3", "5", "10"]),
            ]),
        tool(
            "create_ticket", "Open a support ticket.",
            [
                ("title", property("string", "Short summary")),
                ("priority", property("string", "How urgent it is", enum: ["low", "normal", "high", "urgent"])),
                ("body", property("string", "Full description of the problem")),
            ],
            required: ["title", "body"],
            arguments: [
                ("title", ["\"Double charge on 2024-03-01\"", "\"账单金额异常\""]),
                ("priority", ["\"high\"", "\"normal\""]),
                ("body", ["\"Request billed twice at 14:03.\"", "\"用户反馈扣费过多，请核实。\""]),
            ]),
        tool(
            "convert_currency", "Convert an amount between currencies at today's rate.",
            [
                ("amount", property("number", "Amount to convert")), ("from", property("string", "ISO 4217 code")),
                ("to", property("string", "ISO 4217 code")),
            ],
            required: ["amount", "from", "to"],
            arguments: [
                ("amount", ["12.5", "1000", "0.07"]), ("from", ["\"USD\""]),
                ("to", ["\"CNY\"", "\"EUR\"", "\"JPY\""]),
            ]),
        tool(
            "run_sql", "Run a read-only SQL query against the analytics warehouse.",
            [("query", property("string", "A single SELECT statement"))],
            required: ["query"],
            arguments: [
                (
                    "query",
                    [
                        "\"SELECT model, SUM(quota) FROM logs GROUP BY model\"",
                        "\"SELECT COUNT(*) FROM logs WHERE type = 5\"",
                    ]
                )
            ]),
        tool(
            "lookup_order", "Look up an order by its id.",
            [("order_id", property("string", "The order id, e.g. ORD-2024-000123"))],
            required: ["order_id"], arguments: [("order_id", ["\"ORD-2024-000123\"", "\"ORD-2024-104857\""])]),
    ]

    /// One to four tools, in catalogue order.
    static func pick(_ rng: inout SampleRandom) -> [Tool] {
        let count = rng.int(1...4)
        var chosen = Set<Int>()
        while chosen.count < count { chosen.insert(rng.below(all.count)) }
        return chosen.sorted().map { all[$0] }
    }

    static func call(_ tool: Tool, _ rng: inout SampleRandom) -> Call {
        let arguments = tool.arguments.enumerated()
            .filter { $0.offset == 0 || rng.chance(600) }
            .map { "\"\($0.element.0)\": \(rng.pick($0.element.1))" }
            .joined(separator: ", ")
        return Call(id: "call_" + rng.hex(24), name: tool.name, arguments: "{" + arguments + "}")
    }

    /// What a tool returned, as the client sends it back in a `tool` message.
    static func result(_ rng: inout SampleRandom) -> String {
        SampleText.jsonDocument(items: 1, pretty: false, &rng)
    }
}
