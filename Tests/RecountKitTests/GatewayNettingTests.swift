import Testing

@testable import RecountKit

/// Refund rows and task deltas net into one request (SPEC §2.6); numbers by hand.
@Suite struct GatewayNettingTests {
    @Test func aRefundNetsAnOverchargeAndIsCreditedOnlyForTheRest() throws {
        // Debited 2250 where 2000 was due; the gateway refunded 100: net 2150, credit 150.
        let net = GatewayNetting.net([.init(.consume, quota: 2250), .init(.refund, quota: 100)])
        #expect(net == GatewayNetting.Net(debited: 2250, refunded: 100))
        #expect(net.net == 2150)
        #expect(try GatewayNetting.creditDue(net: net, expected: Rational(2000)) == Rational(150))
        // A refund of the whole 250: nothing left to credit.
        let covered = GatewayNetting.net([.init(.refund, quota: 250), .init(.consume, quota: 2250)])
        #expect(try GatewayNetting.creditDue(net: covered, expected: Rational(2000)) == .zero)
    }

    @Test func aTaskWithALaterDeltaNetsIntoOneRequest() throws {
        // A video task pre-consumed 5000; settlement found 3200 actual: a consume row with delta
        // −1800 (RecordReConsumeLog). Net 3200 = expected: no credit. With a later +300 delta: 3500.
        let settled = GatewayNetting.net([.init(.consume, quota: 5000), .init(.consume, quota: -1800)])
        #expect(settled.net == 3200)
        #expect(try GatewayNetting.creditDue(net: settled, expected: Rational(3200)) == .zero)
        let more = GatewayNetting.net([
            .init(.consume, quota: 5000), .init(.consume, quota: -1800), .init(.consume, quota: 300),
        ])
        #expect(try GatewayNetting.creditDue(net: more, expected: Rational(3200)) == Rational(300))
        // Within a tolerance of 300: not credited.
        #expect(try GatewayNetting.creditDue(net: more, expected: Rational(3200), tolerance: Rational(300)) == .zero)
    }

    @Test func aFailedTaskRefundedInFullNetsToZero() throws {
        let net = GatewayNetting.net([.init(.consume, quota: 5000), .init(.refund, quota: 5000)])
        #expect(net.net == 0)
        #expect(try GatewayNetting.creditDue(net: net, expected: .zero) == .zero)
    }
}
