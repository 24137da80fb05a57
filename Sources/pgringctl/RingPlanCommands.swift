import ArgumentParser
import HashRing

/// `pgringctl ring plan add NAME [--weight W]`: what adding a shard moves.
struct RingPlanAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Plan adding a shard: the keyspace that moves to it, from which shards."
    )

    @Argument(help: ArgumentHelp("The new shard's name.", valueName: "name"))
    var name: String

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("The new shard's weight (an integer > 0).", valueName: "weight"))
    var weight: Int = 1

    @OptionGroup var plan: RingPlanOptions

    func run() throws {
        let old = try plan.source.loadRing()
        let new = try old.adding(shard: name, weight: weight)
        try plan.print(RingPlanReport(
            operation: "add", shard: name, weight: weight, old: old, new: new, includeRanges: plan.ranges))
    }
}

/// `pgringctl ring plan remove NAME`: what removing a shard moves.
struct RingPlanRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Plan removing a shard: where its keyspace goes."
    )

    @Argument(help: ArgumentHelp("The shard to remove.", valueName: "name"))
    var name: String

    @OptionGroup var plan: RingPlanOptions

    func run() throws {
        let old = try plan.source.loadRing()
        let new = try old.removing(shard: name)
        try plan.print(RingPlanReport(
            operation: "remove", shard: name, weight: nil, old: old, new: new, includeRanges: plan.ranges))
    }
}

/// `pgringctl ring plan reweight NAME W`: what changing a shard's weight moves.
struct RingPlanReweightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reweight",
        abstract: "Plan changing a shard's weight: the keyspace that moves to or from it."
    )

    @Argument(help: ArgumentHelp("The shard to reweight.", valueName: "name"))
    var name: String

    // Captures "-1" too (rejected below with the ring's own message), which a plain argument would
    // take for an option.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Its new weight (an integer > 0).", valueName: "weight"))
    var weightArguments: [String] = []

    @OptionGroup var plan: RingPlanOptions

    /// The weight argument as an integer, without the `--` terminator.
    var parsedWeight: Int? {
        let values = weightArguments.first == "--" ? Array(weightArguments.dropFirst()) : weightArguments
        return values.count == 1 ? Int(values[0]) : nil
    }

    func validate() throws {
        guard parsedWeight != nil else {
            throw ValidationError(weightArguments.isEmpty
                ? "Missing the new weight."
                : "Expected one integer weight, got \(weightArguments)")
        }
    }

    func run() throws {
        guard let weight = parsedWeight else { throw ValidationError("Missing the new weight.") }
        let old = try plan.source.loadRing()
        let new = try old.reweighting(shard: name, to: weight)
        try plan.print(RingPlanReport(
            operation: "reweight", shard: name, weight: weight, old: old, new: new, includeRanges: plan.ranges))
    }
}

/// Options of every `ring plan` command.
struct RingPlanOptions: ParsableArguments {
    @OptionGroup var source: RingSourceOptions

    @Flag(name: .long, help: "Also list every moving hash range (lo..hi inclusive, signed int8).")
    var ranges = false

    /// Prints the plan as a table or JSON.
    func print(_ report: RingPlanReport) throws {
        if source.json {
            Swift.print(try Output.json(report))
            return
        }
        let weight = report.weight.map { " (weight \($0))" } ?? ""
        Swift.print(Output.fields([
            ("plan", "\(report.operation) shard \(report.shard)\(weight)"),
            ("ring version", "\(report.old.version) -> \(report.new.version)"),
            ("fingerprint", "\(report.old.fingerprint) -> \(report.new.fingerprint)"),
            ("moves", "\(Output.percent(report.movedFraction)) of the keyspace in \(report.rangeCount) ranges"),
        ]))
        Swift.print()
        Swift.print(Output.table(
            header: ["FROM", "TO", "RANGES", "KEYSPACE"],
            alignments: [.left, .left, .right, .right],
            rows: report.moves.map { ["\($0.from)", "\($0.to)", "\($0.ranges)", Output.percent($0.fraction)] }
        ))
        if let ranges = report.ranges {
            Swift.print()
            Swift.print(Output.table(
                header: ["FROM", "TO", "LO", "HI", "KEYSPACE"],
                alignments: [.left, .left, .right, .right, .right],
                rows: ranges.map { ["\($0.from)", "\($0.to)", "\($0.lo)", "\($0.hi)", Output.percent($0.fraction)] }
            ))
        }
    }
}

/// The JSON (and table) content of `ring plan ...`.
struct RingPlanReport: Encodable {
    /// A ring's identity.
    struct RingIdentity: Encodable {
        let version: Int
        let fingerprint: String
        let shards: Int
    }

    /// The total movement from one shard to another.
    struct Move: Encodable {
        let from: String
        let to: String
        let ranges: Int
        let fraction: Double
    }

    /// One moving range.
    struct Range: Encodable {
        let from: String
        let to: String
        let lo: Int64
        let hi: Int64
        let fraction: Double
    }

    let operation: String
    let shard: String
    let weight: Int?
    let old: RingIdentity
    let new: RingIdentity
    /// The fraction of the keyspace that changes owner (0...1).
    let movedFraction: Double
    /// The number of moving (merged) ranges.
    let rangeCount: Int
    let moves: [Move]
    /// Every moving range, only with `--ranges`.
    let ranges: [Range]?

    init(operation: String, shard: String, weight: Int?, old: ConsistentHashRing, new: ConsistentHashRing,
         includeRanges: Bool) {
        let diff = ConsistentHashRing.diff(old, new)
        self.operation = operation
        self.shard = shard
        self.weight = weight
        self.old = RingIdentity(version: old.version, fingerprint: old.fingerprint.description, shards: old.shards.count)
        self.new = RingIdentity(version: new.version, fingerprint: new.fingerprint.description, shards: new.shards.count)
        movedFraction = diff.movedFraction
        rangeCount = diff.moves.count
        moves = diff.summary.map { Move(from: $0.from, to: $0.to, ranges: $0.rangeCount, fraction: $0.fraction) }
        ranges = includeRanges
            ? diff.moves.map { Range(from: $0.from, to: $0.to, lo: $0.range.lo, hi: $0.range.hi, fraction: $0.fraction) }
            : nil
    }
}
