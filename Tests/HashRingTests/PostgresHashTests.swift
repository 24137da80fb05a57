import HashRing
import Testing

/// Properties of the hash functions that do not need PostgreSQL.
@Suite struct PostgresHashTests {
    @Test(arguments: [Int64(0), 1, -1, 42, -42, Int64(Int32.max), Int64(Int32.min), 123_456_789])
    func int32RangeValuesHashLikeTheirFourBytes(value: Int64) {
        // hashint4extended(v) = hash_uint32_extended((uint32) v); hashint8extended folds to the same word.
        let word = UInt32(bitPattern: Int32(value))
        #expect(PostgresHash.int8Extended(value) == Int64(bitPattern: PostgresHash.uint32Extended(word)))
    }

    @Test(arguments: [UInt32(0), 1, 0xDEAD_BEEF, .max])
    func uint32HashEqualsBytesHashOfLittleEndianWord(word: UInt32) {
        let bytes = [UInt8(word & 0xFF), UInt8((word >> 8) & 0xFF), UInt8((word >> 16) & 0xFF), UInt8(word >> 24)]
        #expect(PostgresHash.uint32Extended(word) == PostgresHash.bytesExtended(bytes))
        #expect(PostgresHash.uint32Extended(word, seed: 99) == PostgresHash.bytesExtended(bytes, seed: 99))
    }

    @Test func textHashIsTheBytesHashOfUTF8() {
        for text in ["", "a", "日本語", String(repeating: "z", count: 1000)] {
            #expect(PostgresHash.textExtended(text) == Int64(bitPattern: PostgresHash.bytesExtended(Array(text.utf8))))
        }
    }

    @Test func seedChangesTheHash() {
        #expect(PostgresHash.int8Extended(1, seed: 1) != PostgresHash.int8Extended(1))
        #expect(PostgresHash.textExtended("abc", seed: 7) != PostgresHash.textExtended("abc"))
    }

    @Test(arguments: [
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
        "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
        "a0eebc999c0b4ef8bb6d6bb9bd380a11",
        "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
        "{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}",
    ])
    func uuidAcceptsPostgresInputForms(text: String) throws {
        let uuid = try #require(PostgresUUID(text))
        #expect(uuid.description == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
    }

    @Test(arguments: [
        "", "a0eebc99", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111",
        "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-",
        "a0eebc9-99c0b-4ef8-bb6d-6bb9bd380a11", "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11",
    ])
    func uuidRejectsWhatPostgresRejects(text: String) {
        #expect(PostgresUUID(text) == nil)
    }

    @Test func keyTypesParse() {
        #expect(ShardingKeyType.int.parse(" -42 ") == .integer(-42))
        #expect(ShardingKeyType.int.parse("+7") == .integer(7))
        #expect(ShardingKeyType.int.parse("9223372036854775808") == nil)
        #expect(ShardingKeyType.int.parse("12a") == nil)
        #expect(ShardingKeyType.int.parse("") == nil)
        #expect(ShardingKeyType.text.parse(" x ") == .text(" x "))
        #expect(ShardingKeyType.uuid.parse("not-a-uuid") == nil)
        #expect(ShardingKey.integer(5).hash == PostgresHash.int8Extended(5))
    }
}
