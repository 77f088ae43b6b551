import Testing
@testable import CaravanSearch

/// The bounds the pruned search skips by must never be below a real score, and the lazy moves (`skip`,
/// `collect`) must land where decoding every posting would.
@Suite struct PostingCursorBoundTests {
    let index = PrunedSearchEquivalenceTests.corpus

    var constants: BM25Constants {
        BM25Constants(schema: index.schema, documentCount: index.documentCount, totalLengths: index.totalLengths)
    }

    /// Every posting of every term, walked with `next()`: (document, score, posting bound, block bound).
    func walk(_ list: PostingList) -> [(doc: DocID, score: Double, posting: Double, block: Double)] {
        var cursor = PostingCursor(list: list, termIndex: 0, constants: constants)
        var rows: [(DocID, Double, Double, Double)] = []
        while cursor.doc != .exhausted {
            let doc = cursor.doc
            let score = cursor.score(constants: constants)
            rows.append((doc, score, cursor.postingBound(), cursor.bound(at: doc)))
            cursor.next()
        }
        return rows
    }

    @Test func postingAndBlockBoundsAreNeverBelowTheScore() {
        var postings = 0
        var tighter = 0
        for list in index.postings where list.count > 0 {
            let maxScore = PostingCursor(list: list, termIndex: 0, constants: constants).maxScore
            for row in walk(list) {
                #expect(row.score <= row.posting, "doc \(row.doc)")
                #expect(row.posting <= row.block, "doc \(row.doc)")
                #expect(row.block <= maxScore)
                postings += 1
                if row.posting < row.block { tighter += 1 }
            }
        }
        #expect(postings > 10_000)
        // The mask bound is the point: many postings (a term in one field only) bound below their block.
        #expect(tighter * 4 > postings, "\(tighter) of \(postings)")
    }

    /// The cursor scores with the field-norm codes stored in the postings; the exhaustive reference reads
    /// the per-document norm table. Every posting must score the same both ways, to the bit.
    @Test func storedNormCodesScoreAsTheNormTable() {
        let fieldCount = index.schema.fields.count
        let docs = UnsafeMutablePointer<DocID>.allocate(capacity: PostingList.blockSize)
        let masks = UnsafeMutablePointer<UInt8>.allocate(capacity: PostingList.blockSize)
        let frequencies = UnsafeMutablePointer<UInt32>.allocate(capacity: PostingList.blockSize * fieldCount)
        defer { docs.deallocate(); masks.deallocate(); frequencies.deallocate() }
        var compared = 0
        for list in index.postings where list.count > 0 {
            let weights = constants.termWeights(documentFrequency: list.fieldDocumentFrequency)
            var expected: [Double] = []
            index.norms.withUnsafeBufferPointer { norms in
                for block in 0..<list.blockCount {
                    let count = list.decode(block: block, docs: docs, masks: masks, frequencies: frequencies)
                    for row in 0..<count {
                        expected.append(constants.score(
                            mask: masks[row], frequencies: frequencies + row * fieldCount,
                            norms: norms.baseAddress! + Int(docs[row]) * fieldCount, weights: weights))
                    }
                }
            }
            let scores = walk(list).map(\.score)
            #expect(scores == expected)
            compared += scores.count
        }
        #expect(compared > 10_000)
    }

    @Test func advanceLandsOnTheFirstPostingAtOrAfterTheTarget() {
        for list in index.postings.filter({ $0.blockCount >= 2 }).prefix(30) {
            let all = walk(list).map(\.doc)
            // Targets at every distance, within a block and across blocks, including exact hits.
            for stride in [1, 3, 7, 50, 200] {
                var cursor = PostingCursor(list: list, termIndex: 0, constants: constants)
                var target: DocID = 0
                while cursor.doc != .exhausted {
                    cursor.advance(to: target)
                    let expected = all.first { $0 >= target } ?? .exhausted
                    #expect(cursor.doc == expected, "target \(target)")
                    target += DocID(stride)
                }
            }
        }
    }

    @Test func skipThenMaterializeLandsWhereAdvanceDoes() {
        let lists = index.postings.filter { $0.blockCount >= 3 }.prefix(20)
        #expect(!lists.isEmpty)
        var generator = SeededGenerator(seed: 17)
        for list in lists {
            let last = list.lastDoc!
            var targets = (0..<30).map { _ in DocID.random(in: 0...last + 5, using: &generator) }
            targets.sort()
            var stepping = PostingCursor(list: list, termIndex: 0, constants: constants)
            var skipping = PostingCursor(list: list, termIndex: 0, constants: constants)
            for target in targets {
                stepping.advance(to: target)
                skipping.skip(to: target)
                #expect(skipping.doc <= stepping.doc)
                skipping.materialize()
                #expect(skipping.doc == stepping.doc, "target \(target)")
            }
        }
    }

    /// The windowed OR search's first step: `collect` over consecutive windows must find exactly the
    /// allowed postings whose bound plus `rest` beats the threshold, whatever blocks it passes undecoded.
    @Test func collectFindsEveryAllowedPostingWhoseBoundBeatsTheThreshold() {
        var allowed = Bitset(capacity: index.documentCount, filled: true)
        for doc in stride(from: DocID(3), to: DocID(index.documentCount), by: 5) { allowed.remove(doc) }
        let buffer = UnsafeMutablePointer<DocID>.allocate(capacity: 4096)
        let bounds = UnsafeMutablePointer<Double>.allocate(capacity: 4096)
        defer { buffer.deallocate(); bounds.deallocate() }
        var checked = 0
        for list in index.postings where list.blockCount >= 2 {
            let rows = walk(list)
            let maxScore = PostingCursor(list: list, termIndex: 0, constants: constants).maxScore
            for (threshold, rest) in [(-Double.infinity, 0), (maxScore * 0.5, 0), (maxScore * 0.9, maxScore * 0.2)] {
                for window: DocID in [64, 300, 4096] {
                    var cursor = PostingCursor(list: list, termIndex: 0, constants: constants)
                    var found: [DocID] = []
                    var foundBounds: [Double] = []
                    var low: DocID = 0
                    while cursor.doc != .exhausted {
                        // Windows start where the cursor is, as the search's do, or at a fixed stride.
                        low = max(low + window, cursor.doc)
                        var count = 0
                        cursor.collect(before: low, beating: threshold, rest: rest, restBeyond: rest, allowed: allowed,
                                       into: buffer, bounds: bounds, count: &count)
                        #expect(cursor.doc >= low)
                        found += (0..<count).map { buffer[$0] }
                        foundBounds += (0..<count).map { bounds[$0] }
                    }
                    let expected = rows.filter { $0.posting + rest > threshold && allowed.contains($0.doc) }
                    #expect(found == expected.map(\.doc), "threshold \(threshold), window \(window)")
                    #expect(foundBounds == expected.map(\.posting))
                    checked += found.count
                }
            }
        }
        #expect(checked > 10_000)
    }
}

extension PostingCursorBoundTests {
    /// What the other lists can add differs between windows (a list with no posting in a window adds nothing
    /// there), so a block that runs past the window must not be passed on this window's `rest`: the postings in
    /// the next window are measured against that window's. Here `rest` is 0 in every other window and `restBeyond`
    /// its largest value; every posting whose bound plus its own window's `rest` beats the threshold is found.
    @Test func aBlockRunningPastTheWindowIsNotPassedOnThisWindowsRest() {
        let allowed = Bitset(capacity: index.documentCount, filled: true)
        let buffer = UnsafeMutablePointer<DocID>.allocate(capacity: 4096)
        let bounds = UnsafeMutablePointer<Double>.allocate(capacity: 4096)
        defer { buffer.deallocate(); bounds.deallocate() }
        var checked = 0
        for list in index.postings where list.blockCount >= 2 {
            let rows = walk(list)
            let maxScore = PostingCursor(list: list, termIndex: 0, constants: constants).maxScore
            let threshold = maxScore * 0.95, extra = maxScore * 0.5
            for window: DocID in [64, 100, 300] {
                var cursor = PostingCursor(list: list, termIndex: 0, constants: constants)
                var found: [DocID] = []
                var windows: [(end: DocID, rest: Double)] = []
                var low: DocID = 0
                while cursor.doc != .exhausted {
                    low = max(low + window, cursor.doc + 1)
                    let rest = windows.count.isMultiple(of: 2) ? 0 : extra
                    windows.append((low, rest))
                    var count = 0
                    cursor.collect(before: low, beating: threshold, rest: rest, restBeyond: extra, allowed: allowed,
                                   into: buffer, bounds: bounds, count: &count)
                    found += (0..<count).map { buffer[$0] }
                }
                let expected = rows.filter { row in
                    let rest = windows.first { row.doc < $0.end }?.rest ?? 0
                    return row.posting + rest > threshold
                }
                #expect(found == expected.map(\.doc), "window \(window)")
                checked += expected.count
            }
        }
        #expect(checked > 1_000)
    }
}

/// Field lengths on a byte: exact where profiles live (titles, skills, summaries of up to 40 terms),
/// never longer than the real length beyond, and the same scale as Lucene's and tantivy's.
@Suite struct FieldNormTests {
    @Test func shortLengthsAreExactAndLongOnesRoundDown() {
        for length in UInt32(0)...40 { #expect(FieldNorm.lengths[Int(FieldNorm.encode(length))] == length) }
        #expect(Array(FieldNorm.lengths[40...48]) == [40, 42, 44, 46, 48, 50, 52, 54, 56])
        #expect(FieldNorm.lengths == FieldNorm.lengths.sorted())
        for length: UInt32 in [41, 57, 100, 1_000, 123_456, UInt32.max] {
            let code = FieldNorm.encode(length)
            #expect(FieldNorm.lengths[Int(code)] <= length)
            if code < 255 { #expect(FieldNorm.lengths[Int(code) + 1] > length) }
        }
    }
}
