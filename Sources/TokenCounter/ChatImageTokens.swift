/// Image input tokens by OpenAI's documented base + per-tile rule.
///
/// Source: OpenAI platform docs, "Images and vision — Calculating costs":
/// - `detail: "low"` costs the base alone, whatever the size;
/// - otherwise (`high`, `auto`, or absent) the image is scaled to fit in a 2048 × 2048 square
///   (keeping its aspect ratio), then scaled so its shortest side is 768 px (never enlarged),
///   then covered with 512-px tiles: base + perTile × tiles.
///   Worked examples in the docs (gpt-4o): 1024 × 1024 high → 765; 2048 × 4096 high → 1105;
///   4096 × 8192 low → 85.
///
/// Extrapolations, documented as such:
/// - `auto` is counted as `high` (the docs let the server choose; high is the upper bound and
///   what it picks for any image larger than a tile), and so is an unrecognised detail value.
/// - Scaled sides are rounded down to whole pixels (a resize yields whole pixels; the docs do
///   not say how they round).
/// - Only models the docs list with tile constants are counted; patch-based models
///   (gpt-4.1-mini, gpt-4.1-nano, o4-mini, gpt-5 …) and unknown models return `nil`, so the
///   prompt is marked incomplete and falls back to reported usage.
public struct ImageTileRule: Sendable, Equatable {
    /// Tokens every image costs (the whole cost at `detail: "low"`).
    public let baseTokens: Int
    /// Tokens per 512-px tile at high detail.
    public let tokensPerTile: Int

    /// The longest side an image may have before the first downscale (docs: 2048).
    public static let fitSidePixels = 2048
    /// The shortest side after the second downscale (docs: 768).
    public static let shortestSidePixels = 768
    /// A tile's side (docs: 512).
    public static let tileSidePixels = 512

    /// The documented constants for `model`, or nil when the docs give none we implement.
    /// gpt-4o family (and gpt-4-turbo / vision previews, gpt-4.5): 85 + 170 per tile;
    /// gpt-4o-mini: 2833 + 5667 per tile; o1, o1-pro, o3: 75 + 150 per tile.
    public static func forModel(_ model: String) -> ImageTileRule? {
        if matches(model, ["gpt-4o-mini"]) {
            return ImageTileRule(baseTokens: 2833, tokensPerTile: 5667)
        }
        if matches(model, ["o1", "o1-pro", "o3"]) {
            return ImageTileRule(baseTokens: 75, tokensPerTile: 150)
        }
        if matches(
            model,
            [
                "gpt-4o", "chatgpt-4o-latest", "gpt-4-turbo", "gpt-4-vision-preview",
                "gpt-4-1106-vision-preview", "gpt-4.5-preview",
            ])
        {
            return ImageTileRule(baseTokens: 85, tokensPerTile: 170)
        }
        return nil
    }

    /// `model` is one of `names` or a dated snapshot of one (`name-2024-08-06`), optionally
    /// behind a fine-tune prefix (`ft:gpt-4o-…`).
    private static func matches(_ model: String, _ names: [String]) -> Bool {
        let bare = model.hasPrefix("ft:") ? String(model.dropFirst(3).prefix { $0 != ":" }) : model
        return names.contains { name in
            bare == name || (bare.hasPrefix(name + "-") && bare.dropFirst(name.count + 1).first?.isNumber == true)
        }
    }

    /// Tokens of one image of `width` × `height` pixels at `detail`.
    public func tokens(width: Int, height: Int, lowDetail: Bool) -> Int {
        if lowDetail { return baseTokens }
        let tiles = Self.tileCount(width: width, height: height)
        return baseTokens + tokensPerTile * tiles
    }

    /// How many 512-px tiles cover the image after both downscales.
    public static func tileCount(width: Int, height: Int) -> Int {
        precondition(width > 0 && height > 0, "image sides are validated before counting")
        var (w, h) = (width, height)
        let longest = max(w, h)
        if longest > fitSidePixels {
            (w, h) = (w * fitSidePixels / longest, h * fitSidePixels / longest)
        }
        let shortest = min(w, h)
        if shortest > shortestSidePixels {
            (w, h) = (w * shortestSidePixels / shortest, h * shortestSidePixels / shortest)
        }
        let across = (w + tileSidePixels - 1) / tileSidePixels
        let down = (h + tileSidePixels - 1) / tileSidePixels
        return max(1, across) * max(1, down)
    }
}
