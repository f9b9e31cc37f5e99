/// Fixed-width numbers in times and amounts (`07`, `500000000`), and the sample's ids.
extension String {
    public func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }

    public func rightPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : self + String(repeating: pad, count: width - count)
    }
}
