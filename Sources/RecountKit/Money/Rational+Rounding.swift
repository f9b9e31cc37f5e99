extension Rational {
    /// The one place Recount rounds money.
    ///
    /// Rule: the exact value is cut to `scale` decimal places in one step (never digit by
    /// digit) with `mode`: `ceil` toward +∞; `floor` toward −∞; `half_up` to nearest, ties
    /// toward +∞ (SPEC §6); `half_even` to nearest, ties to the even last digit (banker's);
    /// `half_away_from_zero` to nearest, ties away from 0. A value already exact at `scale`
    /// is returned unchanged by every mode. Why one function: SPEC §2.4 rounds once per
    /// request, so the whole formula stays exact and only the final amount comes through here.
    public func rounded(scale: Int, mode: RoundingMode) throws(MoneyError) -> Rational {
        guard Self.scaleRange.contains(scale) else { throw .scaleOutOfRange(scale) }
        let power = Self.powersOfTen[scale]
        let scaled = try Self.multiply(numerator, power, "rounding")
        // Floor division: quotient toward −∞, remainder in 0 ..< denominator.
        var quotient = scaled / denominator
        var remainder = scaled % denominator
        if remainder < 0 {
            quotient -= 1
            remainder += denominator
        }
        guard remainder != 0 else { return self }
        let rest = denominator - remainder  // distance up to the next step, > 0
        let roundUp: Bool
        switch mode {
        case .ceil: roundUp = true
        case .floor: roundUp = false
        case .half_up: roundUp = remainder >= rest
        case .half_even: roundUp = remainder > rest || (remainder == rest && quotient & 1 != 0)
        case .half_away_from_zero:
            // For a negative value the floor is the side away from zero.
            roundUp = scaled >= 0 ? remainder >= rest : remainder > rest
        }
        if roundUp { quotient += 1 }
        return try Rational(numerator: quotient, denominator: power)
    }

    /// The smallest number of decimals that writes this value exactly, or nil when its
    /// decimal expansion does not terminate (denominator with a prime factor other than 2, 5).
    public var terminatingScale: Int? {
        var d = denominator
        var twos = 0
        var fives = 0
        while d % 2 == 0 { d /= 2; twos += 1 }
        while d % 5 == 0 { d /= 5; fives += 1 }
        return d == 1 ? max(twos, fives) : nil
    }

    /// The exact plain decimal with exactly `scale` decimals (`"2130"`, `"0.50"`), or nil when
    /// the value is not representable at that scale (or the scale is out of range).
    public func decimalString(scale: Int) -> String? {
        guard (0...38).contains(scale) else { return nil }
        let (scaled, overflow) = numerator.multipliedReportingOverflow(by: Self.powersOfTen[scale])
        guard !overflow, scaled % denominator == 0 else { return nil }
        return Self.format(scaled / denominator, scale: scale)
    }

    /// For display (`recount explain`): the exact value with the fewest decimals when it
    /// terminates within `maxScale` decimals; otherwise the value rounded `half_even` to
    /// `maxScale` decimals followed by `…` to mark that it is not exact
    /// (`1/3` at 4 → `"0.3333…"`). Never used to compute a debit.
    public func decimalString(maxScale: Int) -> String {
        let limit = min(max(maxScale, 0), Self.scaleRange.upperBound)
        if let scale = terminatingScale, scale <= limit, let text = decimalString(scale: scale) { return text }
        guard let rounded = try? self.rounded(scale: limit, mode: .half_even),
            let text = rounded.decimalString(scale: limit)
        else { return "\(numerator)/\(denominator)" }
        return text + "…"
    }

    static func format(_ value: Int128, scale: Int) -> String {
        let negative = value < 0
        var digits = String(value.magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return negative ? "-" + digits : digits
    }
}
