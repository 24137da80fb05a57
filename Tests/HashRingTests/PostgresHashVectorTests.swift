import HashRing
import Testing

/// Golden vectors: every hash equals what PostgreSQL 15 returned for the same key (tools/gen-hash-vectors).
@Suite struct PostgresHashVectorTests {
    @Test func int8VectorsMatchHashint8extended() throws {
        let rows = try VectorFile.rows("int8")
        #expect(rows.count > 8000)
        var mismatches = [String]()
        for row in rows {
            guard row.count == 2, let key = Int64(row[0]), let expected = Int64(row[1]) else {
                throw VectorFileError.badRow(row)
            }
            let actual = PostgresHash.int8Extended(key)
            if actual != expected { mismatches.append("\(key): \(actual) != \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func textVectorsMatchHashtextextended() throws {
        let rows = try VectorFile.rows("text")
        #expect(rows.count > 3000)
        var mismatches = [String]()
        var longest = 0
        var multibyte = 0
        for row in rows {
            guard row.count == 2, let expected = Int64(row[1]) else { throw VectorFileError.badRow(row) }
            let actual = PostgresHash.textExtended(row[0])
            if actual != expected { mismatches.append("\(row[0].debugDescription): \(actual) != \(expected)") }
            longest = max(longest, row[0].utf8.count)
            if row[0].utf8.count != row[0].unicodeScalars.count { multibyte += 1 }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        // The file really covers what it claims: the empty string, long strings, multibyte UTF-8, escapes.
        #expect(rows.contains { $0[0].isEmpty })
        #expect(longest >= 2000)
        #expect(multibyte > 500)
        #expect(rows.contains { $0[0] == "tab\there" })
        #expect(rows.contains { $0[0] == "new\nline" })
        #expect(rows.contains { $0[0] == "back\\slash" })
    }

    @Test func uuidVectorsMatchUuidHashExtended() throws {
        let rows = try VectorFile.rows("uuid")
        #expect(rows.count > 1500)
        var mismatches = [String]()
        for row in rows {
            guard row.count == 2, let uuid = PostgresUUID(row[0]), let expected = Int64(row[1]) else {
                throw VectorFileError.badRow(row)
            }
            #expect(uuid.description == row[0])
            let actual = PostgresHash.uuidExtended(uuid)
            if actual != expected { mismatches.append("\(row[0]): \(actual) != \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func vectorsCoverTheBoundaries() throws {
        let keys = Set(try VectorFile.rows("int8").compactMap { Int64($0[0]) })
        let boundaries: [Int64] = [.min, .min + 1, .max, .max - 1, 0, -1, 1,
                                   Int64(Int32.min), Int64(Int32.max), Int64(Int32.min) - 1, Int64(Int32.max) + 1,
                                   Int64(UInt32.max), Int64(UInt32.max) + 1, -Int64(UInt32.max) - 1]
        for boundary in boundaries {
            #expect(keys.contains(boundary), "missing \(boundary)")
        }
        #expect(keys.count > 8000)
    }
}
