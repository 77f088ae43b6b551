import ArgumentParser
import CaravanSearch
import Foundation

/// `caravan-bench search`: builds our index from profiles.jsonl, times every query as OR and as AND,
/// and sets the figures beside the peer's (tantivy), with recall@10 against the peer's top 10.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "BM25 top-10 over the generated profiles: build rate, memory, latency, recall against a peer.")

    @Option(help: "Folder with profiles.jsonl and queries.txt (from `generate`).") var data: String
    @Option(help: "The peer's results JSON (benchmarks/peers/tantivy_peer.py --out).") var peerResults: String?
    @Option(help: "Where to write the figures.") var results = "bench-results/search.json"
    @Option(help: "Timed runs of every query (after one warm-up run); a query's time is their median.")
    var repeats = 3
    @Option(help: "Results per query.") var limit = 10
    @Option(help: "Also write one tab-separated line per query and mode (our time, the peer's, documents scored, each term's document count) here, slowest against the peer first.")
    var explain: String?
    @Flag(help: "Build the index (in the same chunks as a full run), report its figures and stop: for timing and profiling the build alone.")
    var buildOnly = false
    @Flag(help: "Build with `add` per document (one thread) instead of the bulk `add(contentsOf:)`.")
    var oneByOne = false

    func run() throws {
        for file in ["profiles.jsonl", "queries.txt"] where !FileManager.default.fileExists(atPath: data + "/" + file) {
            throw BenchError("\(data)/\(file) not found: make the corpus with `caravan-bench generate --out \(data)`")
        }
        let peer = try peerResults.map(PeerResults.load)
        let queries = try String(contentsOfFile: data + "/queries.txt", encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        if let peer {
            guard peer.queries.map(\.text) == queries else {
                throw BenchError("the peer ran other queries than \(data)/queries.txt: regenerate both from one folder")
            }
        }

        let baseline = ProcessMemory.read()
        let build = try buildIndex(from: data + "/profiles.jsonl")
        let memory = ProcessMemory.read()
        let index = build.index
        log("indexed \(index.documentCount) profiles, \(index.termCount) terms in "
            + String(format: "%.2f s (%.0f profiles/s; %.2f s with JSON parsing)",
                     build.indexSeconds, build.rate, build.totalSeconds))

        var figures: [(String, Any)] = [
            ("profiles", index.documentCount), ("queries", queries.count), ("repeats", repeats),
            ("terms", index.termCount),
            ("build_profiles_per_s", build.rate.rounded()),
            // Per second of CPU over all threads: the bulk build runs two stages at once, so this is
            // what the build costs, where the rate above is how long it takes.
            ("build_profiles_per_cpu_s", (Double(index.documentCount) / max(build.cpuSeconds, 1e-9)).rounded()),
            ("build_mode", oneByOne ? "add, one document at a time" : "add(contentsOf:), analysis and postings on two threads"),
            ("build_seconds", build.indexSeconds), ("build_seconds_with_parsing", build.totalSeconds),
            ("rss_mb", memory?.rssMB ?? -1), ("peak_rss_mb", memory?.peakMB ?? -1),
            ("rss_before_build_mb", baseline?.rssMB ?? -1),
            ("index_footprint_mb", Double(index.memoryFootprint) / 1_048_576),
        ]
        var json: [String: Any] = [
            "schema": Dictionary(uniqueKeysWithValues: index.schema.fields.map { ($0.name, $0.weight) }),
            "k1": index.schema.k1, "b": index.schema.b,
        ]

        if buildOnly {
            for (name, value) in figures { print("\(name): \(Figures.format(value))") }
            return
        }

        var ourTop: [String: [[String]]] = [:]
        var explained: [(ratio: Double, line: String)] = []
        for (name, mode) in [("or", SearchQuery.Mode.any), ("and", .all)] {
            let run = timeQueries(index, queries, mode: mode)
            ourTop[name] = run.top
            if explain != nil {
                explained += Self.explain(index, queries, mode: mode, name: name, limit: limit, ours: run.nanoseconds,
                                          peer: peer.map { $0.queries.map { name == "or" ? $0.or.ns : $0.and.ns } })
            }
            figures.append(("bm25_\(name)_p50_ms", Latency.percentileMS(run.nanoseconds, 50)))
            figures.append(("bm25_\(name)_p95_ms", Latency.percentileMS(run.nanoseconds, 95)))
            figures.append(("bm25_\(name)_pruned_equals_exhaustive",
                            Self.prunedMatchesExhaustive(index, queries, mode: mode, limit: limit)))
        }

        if let peer {
            let ourWeights = Dictionary(uniqueKeysWithValues: index.schema.fields.map { ($0.name, $0.weight) })
            if peer.fieldWeights != ourWeights {
                log("warning: the peer's field weights \(peer.fieldWeights) differ from ours \(ourWeights)")
            }
            let or = Recall.of(ours: ourTop["or"]!, peer: peer.queries.map(\.or))
            let and = Recall.of(ours: ourTop["and"]!, peer: peer.queries.map(\.and))
            let counted = or.0.queries + and.0.queries
            let pooled = (or.0.tieAware * Double(or.0.queries) + and.0.tieAware * Double(and.0.queries))
                / Double(max(counted, 1))
            let pooledStrict = (or.0.strict * Double(or.0.queries) + and.0.strict * Double(and.0.queries))
                / Double(max(counted, 1))
            let ours = Dictionary(uniqueKeysWithValues: figures.map { ($0.0, $0.1) })
            figures += [
                ("bm25_or_p50_ratio", (ours["bm25_or_p50_ms"] as! Double) / peer.or.p50Ms),
                ("bm25_and_p50_ratio", (ours["bm25_and_p50_ms"] as! Double) / peer.and.p50Ms),
                ("recall_at_10", pooled), ("recall_at_10_or", or.0.tieAware), ("recall_at_10_and", and.0.tieAware),
                ("recall_at_10_strict", pooledStrict),
                ("peer_engine", "\(peer.engine) \(peer.version)"),
                ("tantivy_or_p50_ms", peer.or.p50Ms), ("tantivy_or_p95_ms", peer.or.p95Ms),
                ("tantivy_and_p50_ms", peer.and.p50Ms), ("tantivy_and_p95_ms", peer.and.p95Ms),
                ("tantivy_build_profiles_per_s", peer.buildProfilesPerS.rounded()),
                ("tantivy_rss_mb", peer.rssMb), ("tantivy_peak_rss_mb", peer.peakRssMb),
            ]
            // The queries that cost recall, worst first, so a shortfall can be looked into.
            var misses: [[String: Any]] = []
            for (mode, perQuery) in [("or", or.perQuery), ("and", and.perQuery)] {
                for (position, value) in perQuery.enumerated() {
                    guard let value, value < 1 else { continue }
                    misses.append(["mode": mode, "query": queries[position], "recall": value,
                                   "ours": ourTop[mode]![position],
                                   "peer": mode == "or" ? peer.queries[position].or.ids : peer.queries[position].and.ids])
                }
            }
            misses.sort { ($0["recall"] as! Double) < ($1["recall"] as! Double) }
            json["recall_misses"] = Array(misses.prefix(20))
        }

        for (name, value) in figures {
            json[name] = value
            print("\(name): \(Figures.format(value))")
        }
        try Figures.write(json, to: results)
        log("wrote \(results)")
        if let explain {
            let lines = explained.sorted { $0.ratio > $1.ratio }.map(\.line)
            try (["mode\tours_ms\tpeer_ms\tscored\tquery\tterm_documents"] + lines).joined(separator: "\n")
                .write(toFile: explain, atomically: true, encoding: .utf8)
            log("wrote \(explain)")
        }
    }

    /// Per query: the times, how many documents were fully scored, and how many documents each analysed
    /// term occurs in, to see which queries cost what.
    private static func explain(_ index: InvertedIndex, _ queries: [String], mode: SearchQuery.Mode, name: String,
                                limit: Int, ours: [UInt64], peer: [UInt64]?) -> [(ratio: Double, line: String)] {
        queries.indices.map { position in
            let text = queries[position]
            let result = index.search(SearchQuery(text, mode: mode, limit: limit))
            let scored = "\(result.scoredDocuments) kth=" + String(format: "%.2f", result.hits.last?.score ?? 0)
            let terms = index.analyzer.terms(text).map { term in
                let best = index.search(SearchQuery(term, limit: 1)).hits.first?.score ?? 0
                return "\(term)=\(index.count(SearchQuery(term)))@" + String(format: "%.2f", best)
            }
            let ourMS = Double(ours[position]) / 1e6
            let peerMS = peer.map { Double($0[position]) / 1e6 } ?? .nan
            let line = [name, String(format: "%.3f", ourMS), String(format: "%.3f", peerMS), "\(scored)", text,
                        terms.joined(separator: " ")].joined(separator: "\t")
            return (peer == nil ? ourMS : ourMS / peerMS, line)
        }
    }

    struct Build {
        var index: InvertedIndex
        var indexSeconds: Double
        /// The CPU time the process spent meanwhile (every thread; see `processCPUNanoseconds`).
        var cpuSeconds: Double
        var totalSeconds: Double
        var rate: Double { Double(index.documentCount) / max(indexSeconds, 1e-9) }
    }

    /// Streams the file into the index in chunks of parsed documents. Only the index calls are timed for
    /// the build rate: parsing JSON is the benchmark's own cost, not the engine's (the peer likewise
    /// times only its indexing calls).
    private func buildIndex(from path: String) throws -> Build {
        var index = InvertedIndex(schema: .profile)
        var indexNanoseconds: UInt64 = 0
        var cpuNanoseconds: UInt64 = 0
        var chunk: [SearchDocument] = []
        var bad = 0
        let start = monotonicNanoseconds()
        func addChunk() {
            let cpuBefore = processCPUNanoseconds()
            let before = monotonicNanoseconds()
            if oneByOne {
                for document in chunk { index.add(document) }
            } else {
                index.add(contentsOf: chunk)
            }
            indexNanoseconds += monotonicNanoseconds() - before
            cpuNanoseconds += processCPUNanoseconds() - cpuBefore
            chunk.removeAll(keepingCapacity: true)
        }
        try LineReader(path: path).forEachLine { line in
            guard let fields = JSONLineParser.parseObject(line), let document = ProfileDocuments.document(fields) else {
                bad += 1
                return
            }
            chunk.append(document)
            if chunk.count == Self.chunkSize { addChunk() }
        }
        addChunk()
        if bad > 0 { log("warning: skipped \(bad) unreadable lines in \(path)") }
        return Build(index: index, indexSeconds: Double(indexNanoseconds) / 1e9, cpuSeconds: Double(cpuNanoseconds) / 1e9,
                     totalSeconds: Double(monotonicNanoseconds() - start) / 1e9)
    }

    /// Parsed documents handed to the index at a time: enough for the bulk build's two stages to overlap
    /// over many batches (the first batch's analysis and the last one's appends run alone), few enough
    /// (about 100 MB of documents) not to weigh on resident memory.
    static let chunkSize = 65_536

    /// Every query once to warm caches, then `repeats` timed runs; returns each query's median time
    /// and its top ids from the last run.
    private func timeQueries(_ index: InvertedIndex, _ queries: [String], mode: SearchQuery.Mode)
        -> (nanoseconds: [UInt64], top: [[String]])
    {
        let prepared = queries.map { SearchQuery($0, mode: mode, limit: limit) }
        var samples = [[UInt64]](repeating: [], count: queries.count)
        var top = [[String]](repeating: [], count: queries.count)
        for run in 0...repeats {
            for (position, query) in prepared.enumerated() {
                let start = monotonicNanoseconds()
                let result = index.search(query)
                let elapsed = monotonicNanoseconds() - start
                if run > 0 { samples[position].append(elapsed) }
                if run == repeats { top[position] = result.hits.map(\.key) }
            }
        }
        return (samples.map(Latency.median), top)
    }

    /// How many queries' pruned top-k equals the exhaustive reference, as "n/m": a pruned search that
    /// is fast because it skips documents that belong in the top k would show here.
    private static func prunedMatchesExhaustive(_ index: InvertedIndex, _ queries: [String],
                                                mode: SearchQuery.Mode, limit: Int) -> String {
        var equal = 0
        for text in queries {
            let query = SearchQuery(text, mode: mode, limit: limit)
            if index.search(query).hits.map(\.key) == index.searchExhaustively(query).hits.map(\.key) { equal += 1 }
        }
        return "\(equal)/\(queries.count)"
    }
}
