/// Gathers problems while one document is mapped and validated, in the order they are found.
///
/// A reference type so every `ConfigurationTableReader` of one load appends to the same list;
/// it lives only for one call of `ConfigurationLoader` and is never shared across threads.
final class ProblemCollector {
    /// The problems so far.
    private(set) var problems: [ConfigurationProblem] = []

    init() {}

    /// Records a problem.
    func report(_ keyPath: String, _ message: String) {
        problems.append(ConfigurationProblem(keyPath: keyPath, message: message))
    }

    /// Records several problems.
    func report(_ newProblems: [ConfigurationProblem]) {
        problems.append(contentsOf: newProblems)
    }
}
