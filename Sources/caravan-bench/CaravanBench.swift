import ArgumentParser

/// The benchmark tool of issue 3: Snowball checks from outside, a seeded corpus, and the search
/// benchmark against the tantivy peer. `scripts/bench` drives it.
@main
struct CaravanBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caravan-bench",
        abstract: "Caravan benchmarks: stemming, corpus generation, search against a peer, candidate matching, permit eligibility.",
        subcommands: [StemCommand.self, GenerateCommand.self, SearchCommand.self, MatchCommand.self, PermitsCommand.self, CentresCommand.self, AllocateCommand.self, FlowsBenchCommand.self])
}
