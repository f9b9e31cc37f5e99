/// RecountKit: ingestion, pricing, recomputation, reconciliation, credits and reports.
/// It never touches argv, stdout or `exit`; the `recount` executable does.
public enum RecountKit {
    public static let version = "0.1.0"
}
