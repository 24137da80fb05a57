import HashRing
import Testing
@testable import Routing

/// Decoding Bind parameters into sharding keys.
@Suite struct BindParameterTests {
    static let integerCases: [([UInt8], UInt32, Int64)] = [
        ([0x7F, 0xFF], BindParameter.TypeOID.int2, Int64(Int16.max)),
        ([0x80, 0x00], BindParameter.TypeOID.int2, Int64(Int16.min)),
        ([0xFF, 0xFF, 0xFF, 0xFF], BindParameter.TypeOID.int4, -1),
        ([0x00, 0x00, 0x30, 0x39], BindParameter.TypeOID.int4, 12_345),
        ([0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], BindParameter.TypeOID.int8, Int64.max),
        ([0x80, 0, 0, 0, 0, 0, 0, 0], BindParameter.TypeOID.int8, Int64.min),
    ]

    @Test(arguments: integerCases)
    func binaryIntegers(bytes: [UInt8], oid: UInt32, expected: Int64) {
        let parameter = BindParameter(bytes: bytes, format: 1, typeOID: oid)
        #expect(parameter.shardingKey(as: .int) == .success(.integer(expected)))
    }

    static let wrongSizeCases: [([UInt8], UInt32)] = [
        ([1, 2, 3], BindParameter.TypeOID.int4),
        ([1, 2, 3, 4], BindParameter.TypeOID.int2),
        ([], BindParameter.TypeOID.int8),
        (Array(repeating: 1, count: 9), BindParameter.TypeOID.int8),
    ]

    @Test(arguments: wrongSizeCases)
    func wrongIntegerSizes(bytes: [UInt8], oid: UInt32) {
        let parameter = BindParameter(bytes: bytes, format: 1, typeOID: oid)
        #expect(parameter.shardingKey(as: .int) == .failure(.invalidBinarySize(byteCount: bytes.count, typeOID: oid)))
    }

    @Test func textFormat() {
        #expect(BindParameter.text(" -12 ").shardingKey(as: .int) == .success(.integer(-12)))
        #expect(BindParameter.text("abc").shardingKey(as: .text) == .success(.text("abc")))
        #expect(BindParameter.text("abc").shardingKey(as: .int) == .failure(.invalidText("abc", .int)))
        #expect(BindParameter.text("9223372036854775808").shardingKey(as: .int) == .failure(.invalidText("9223372036854775808", .int)))
        let uuidText = "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"
        #expect(BindParameter.text(uuidText).shardingKey(as: .uuid) == PostgresUUID(uuidText).map { .success(.uuid($0)) })
        #expect(BindParameter.text("not-a-uuid").shardingKey(as: .uuid) == .failure(.invalidText("not-a-uuid", .uuid)))
    }

    @Test func binaryTextAndUUID() {
        #expect(BindParameter(bytes: Array("hé".utf8), format: 1, typeOID: BindParameter.TypeOID.varchar).shardingKey(as: .text)
            == .success(.text("hé")))
        #expect(BindParameter(bytes: [0xC3], format: 1, typeOID: BindParameter.TypeOID.text).shardingKey(as: .text)
            == .failure(.invalidUTF8))
        #expect(BindParameter(bytes: Array("77".utf8), format: 1, typeOID: BindParameter.TypeOID.text).shardingKey(as: .int)
            == .success(.integer(77)))
        let bytes: [UInt8] = (0..<16).map { UInt8($0 * 7) }
        #expect(BindParameter(bytes: bytes, format: 1, typeOID: BindParameter.TypeOID.uuid).shardingKey(as: .uuid)
            == PostgresUUID(bytes: bytes).map { .success(.uuid($0)) })
        #expect(BindParameter(bytes: Array(bytes.prefix(15)), format: 1, typeOID: BindParameter.TypeOID.uuid).shardingKey(as: .uuid)
            == .failure(.invalidBinarySize(byteCount: 15, typeOID: BindParameter.TypeOID.uuid)))
        #expect(BindParameter(bytes: bytes, format: 1, typeOID: BindParameter.TypeOID.uuid).shardingKey(as: .int)
            == .failure(.unsupportedBinaryType(typeOID: BindParameter.TypeOID.uuid, .int)))
    }

    @Test func untypedBinaryUsesTheKeyType() {
        #expect(BindParameter(bytes: [0, 5], format: 1).shardingKey(as: .int) == .success(.integer(5)))
        #expect(BindParameter(bytes: [0, 0, 5], format: 1).shardingKey(as: .int)
            == .failure(.invalidBinarySize(byteCount: 3, typeOID: 0)))
        #expect(BindParameter(bytes: Array("k".utf8), format: 1, typeOID: 0).shardingKey(as: .text) == .success(.text("k")))
    }

    @Test func nullUnknownFormatAndUnsupportedType() {
        #expect(BindParameter(bytes: nil).shardingKey(as: .int) == .failure(.null))
        #expect(BindParameter(bytes: [1], format: 2).shardingKey(as: .int) == .failure(.unknownFormat(2)))
        #expect(BindParameter(bytes: [1, 2, 3, 4], format: 1, typeOID: 700).shardingKey(as: .int)
            == .failure(.unsupportedBinaryType(typeOID: 700, .int)))
    }
}
