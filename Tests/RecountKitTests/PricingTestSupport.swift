import Foundation
import Testing

@testable import RecountKit

/// The points site of seeds/000 (1 CNY = 10,000 points, 7.1 CNY per USD) plus later models,
/// and a second version starting 2024-01-01T00:00:00+08:00 (= 2023-12-31T16:00:00Z).
let pointsCatalogJSON = """
    {
      "schema": "recount.pricing/1",
      "unit": {"name": "points", "currency": "CNY", "per_currency": "10000", "scale": 0},
      "versions": [
        {
          "id": "2024-01", "effective_from": "2024-01-01T00:00:00+08:00",
          "exchange_rates": {"USD": "7.1"}, "rounding": "half_even", "minimum_charge": "1",
          "models": {
            "gpt-3.5-turbo*": {"input_per_1k": "0.002", "output_per_1k": "0.002", "multiplier": "1/3.05"},
            "gpt-4": {"input_per_1k": "0.06", "output_per_1k": "0.12"}
          }
        },
        {
          "id": "2023-06", "effective_from": "2023-06-01T00:00:00+08:00",
          "exchange_rates": {"USD": "7.1"}, "rounding": "ceil", "minimum_charge": "1",
          "charge_failed_requests": false,
          "groups": {"default": "1", "vip": "0.8"},
          "models": {
            "gpt-3.5-turbo*": {"input_per_1k": "0.002", "output_per_1k": "0.002", "multiplier": "1/3.05"},
            "gpt-4": {"input_per_1k": "0.03", "output_per_1k": "0.06"},
            "gpt-4*": {"input_per_1k": "0.06", "output_per_1k": "0.12"},
            "gpt-4o*": {"input_per_1m": "2.50", "cached_input_per_1m": "1.25", "output_per_1m": "10.00"},
            "gpt-4o-mini": {"input_per_1m": "0.15", "output_per_1m": "0.60"},
            "dall-e-3": {"per_image": {"1024x1024": "0.04", "1024x1792": "0.08", "hd 1024x1024": "0.08"}},
            "whisper-1": {"per_minute": "0.006"},
            "tts-1": {"per_1m_characters": "15.00"},
            "midjourney": {"currency": "CNY", "per_image": "0.2"}
          }
        }
      ]
    }
    """

func catalog(_ json: String, source: String = "test.json") throws -> PriceCatalog {
    try PriceCatalog.parse(Array(json.utf8), source: source)
}

func time(_ text: String) throws -> Timestamp { try #require(Timestamp(rfc3339: text)) }

/// The charge of a billable request, or a recorded issue.
func charge(
    _ usage: ChargeUsage, model: String, group: String = "default", status: Int = 200,
    at when: String = "2023-07-01T12:00:00+08:00", in catalog: PriceCatalog
) throws -> ChargeBreakdown {
    let result = Pricing.expectedCharge(
        usage: usage, model: model, group: group, status: status, at: try time(when), catalog: catalog)
    guard case .priced(let breakdown) = result else {
        Issue.record("expected a priced result, got \(result)")
        throw CancellationError()
    }
    return breakdown
}

/// Tests/Fixtures/pricing/NAME
func pricingFixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pricing/\(name)").path
}
