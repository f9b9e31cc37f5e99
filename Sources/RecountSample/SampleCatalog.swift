import RecountKit

/// The price catalog of a generated day, and the day itself.
///
/// A points site like `SampleLogs/pricing.json` (1 CNY = 10,000 points, 7.1 CNY per USD,
/// `gpt-3.5-turbo` at ×1/3.05, groups `vip` ×0.8 and `svip` ×0.6), with a second version from
/// noon: gpt-4o halves its price, gpt-3.5-turbo moves to ×1/2 and ties round half_even. A
/// boundary inside the day is what makes `price_version` discrepancies possible at all, and
/// the two rounding modes are what make `rounding` ones distinguishable from `rate`.
///
/// The catalog is written as literal text (not serialised from values) so `pricing.json` is
/// human-formatted and byte-stable; the generator prices with the very same text parsed by
/// `PriceCatalog.parse`, so the debits it writes agree with what `reconcile` will expect.
enum SampleCatalog {
    /// 2024-03-01T00:00:00+08:00: the generated day, in the platform's zone.
    static let dayStartSeconds: Int64 = 1_709_222_400
    static let dayMilliseconds: Int64 = 86_400_000
    static let zoneOffsetSeconds: Int32 = 8 * 3600
    static let dayText = "2024-03-01"
    /// The day in request ids.
    static let dayTag = "20240301"
    /// 12:00:00 local: the second version's `effective_from`.
    static let boundaryMilliseconds: Int64 = 12 * 3_600_000
    static let morningVersion = "2024-02"
    static let afternoonVersion = "2024-03-pm"

    static let text = """
        {
          "schema": "recount.pricing/1",
          "unit": {"name": "points", "currency": "CNY", "per_currency": "10000", "scale": 0},
          "versions": [
            {
              "id": "2024-02",
              "effective_from": "2024-02-01T00:00:00+08:00",
              "exchange_rates": {"USD": "7.1"},
              "rounding": "ceil",
              "minimum_charge": "1",
              "charge_failed_requests": false,
              "groups": {"default": "1", "vip": "0.8", "svip": "0.6"},
              "models": {
                "gpt-4o-mini*": {"input_per_1m": "0.15", "cached_input_per_1m": "0.075", "output_per_1m": "0.60"},
                "gpt-4o*": {"input_per_1m": "5.00", "cached_input_per_1m": "2.50", "output_per_1m": "15.00"},
                "gpt-4-turbo*": {"input_per_1k": "0.01", "output_per_1k": "0.03"},
                "gpt-4": {"input_per_1k": "0.03", "output_per_1k": "0.06"},
                "gpt-3.5-turbo-instruct": {"input_per_1m": "1.50", "output_per_1m": "2.00"},
                "gpt-3.5-turbo*": {"input_per_1k": "0.002", "output_per_1k": "0.002", "multiplier": "1/3.05"},
                "text-embedding-3-small": {"input_per_1m": "0.02", "output_per_1m": "0"},
                "text-davinci-003": {"input_per_1k": "0.02", "output_per_1k": "0.02"},
                "dall-e-3": {"per_image": {"1024x1024": "0.04", "1024x1792": "0.08", "hd 1024x1024": "0.08"}},
                "whisper-1": {"per_minute": "0.006"},
                "tts-1": {"per_1m_characters": "15.00"}
              }
            },
            {
              "id": "2024-03-pm",
              "effective_from": "2024-03-01T12:00:00+08:00",
              "exchange_rates": {"USD": "7.1"},
              "rounding": "half_even",
              "minimum_charge": "1",
              "charge_failed_requests": false,
              "groups": {"default": "1", "vip": "0.8", "svip": "0.6"},
              "models": {
                "gpt-4o-mini*": {"input_per_1m": "0.15", "cached_input_per_1m": "0.075", "output_per_1m": "0.60"},
                "gpt-4o*": {"input_per_1m": "2.50", "cached_input_per_1m": "1.25", "output_per_1m": "10.00"},
                "gpt-4-turbo*": {"input_per_1k": "0.01", "output_per_1k": "0.03"},
                "gpt-4": {"input_per_1k": "0.03", "output_per_1k": "0.06"},
                "gpt-3.5-turbo-instruct": {"input_per_1m": "1.50", "output_per_1m": "2.00"},
                "gpt-3.5-turbo*": {"input_per_1k": "0.002", "output_per_1k": "0.002", "multiplier": "1/2"},
                "text-embedding-3-small": {"input_per_1m": "0.02", "output_per_1m": "0"},
                "text-davinci-003": {"input_per_1k": "0.02", "output_per_1k": "0.02"},
                "dall-e-3": {"per_image": {"1024x1024": "0.04", "1024x1792": "0.08", "hd 1024x1024": "0.08"}},
                "whisper-1": {"per_minute": "0.006"},
                "tts-1": {"per_1m_characters": "15.00"}
              }
            }
          ]
        }

        """

    /// The catalog above, parsed and validated by the same reader `reconcile` uses.
    static func load() -> PriceCatalog {
        do { return try PriceCatalog.parse(Array(text.utf8), source: "pricing.json") } catch {
            preconditionFailure("the embedded sample catalog is invalid: \(error)")
        }
    }
}
