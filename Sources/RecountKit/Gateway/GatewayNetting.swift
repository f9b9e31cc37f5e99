/// One request's rows in a new-api `logs` table, netted into what the account really paid
/// (SPEC §2.6, issue 13): consume rows (type 2) debit, refund rows (type 6, `quota` the amount
/// returned, `other.task_id` naming the task) credit back, and an async task's settlement rows
/// (`RecordReConsumeLog`: a type-2 row whose `quota` is the delta `actual − pre_consumed`,
/// negative when the gateway returned quota) adjust. Pure arithmetic; the join that groups a
/// request's rows (by `request_id`, or `task:<task_id>`) is the reconcile stage's.
public enum GatewayNetting {
    public enum Kind: Sendable, Equatable {
        /// A type-2 row: its quota as written (a task delta may be negative).
        case consume
        /// A type-6 row: quota returned to the account.
        case refund
    }

    public struct Entry: Sendable, Equatable {
        public var kind: Kind
        public var quota: Int
        public init(_ kind: Kind, quota: Int) {
            self.kind = kind
            self.quota = quota
        }
    }

    public struct Net: Sendable, Equatable {
        /// Σ consume quotas (task deltas included, with their sign).
        public var debited: Int
        /// Σ refund quotas.
        public var refunded: Int
        /// What the account paid: debited − refunded.
        public var net: Int { debited - refunded }
    }

    /// The request's rows netted, in any order.
    public static func net(_ entries: [Entry]) -> Net {
        var net = Net(debited: 0, refunded: 0)
        for entry in entries {
            switch entry.kind {
            case .consume: net.debited += entry.quota
            case .refund: net.refunded += abs(entry.quota)
            }
        }
        return net
    }

    /// The credit an overcharge still deserves after the gateway's own refunds: the net paid
    /// above the expected charge, beyond the tolerance; 0 when the refunds already covered it.
    /// So an overcharge is credited once, net of the refund, never twice (SPEC §3 "Credits").
    public static func creditDue(
        net: Net, expected: Rational, tolerance: Rational = .zero
    ) throws(MoneyError) -> Rational {
        let over = try Rational(net.net).subtracting(expected)
        return over > tolerance ? over : .zero
    }
}
