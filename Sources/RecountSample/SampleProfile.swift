import RecountKit

/// Which kind of day `recount sample` writes.
///
/// - `classic`: the original generator (small fragment pools, about 2 KB a line). Its bytes
///   for a given N and seed never change: the tests and `Reports/` depend on them.
/// - `realistic`: traffic as a Chinese relay sees it (issue 17): texts that rarely repeat
///   (`SampleProse`), conversations that grow turn by turn and resend their history,
///   long system prompts shared by an account's requests (`SampleConversation`), lines of
///   2–8 KB (about 3.9 KB mean), a third of the text CJK, a quarter of requests streamed,
///   tools on a fifth; and a new-api gateway part (`SampleGateway`) in `DIR/gateway/`.
public enum SampleProfile: String, Sendable, CaseIterable {
    case classic, realistic

    /// Per mille of chat requests that stream / offer tools: classic keeps its rates; the
    /// realistic ones give a quarter and a fifth of *all* requests (chat is about 90% there).
    var streamPerMille: Int { self == .classic ? 200 : 255 }
    var toolsPerMille: Int { self == .classic ? 120 : 205 }
}
