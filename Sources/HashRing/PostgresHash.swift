/// PostgreSQL's own 64-bit hash functions, reimplemented bit for bit.
///
/// These are the functions behind `hashint8extended`, `hashtextextended` and `uuid_hash_extended`
/// (PostgreSQL `src/backend/access/hash/hashfunc.c`, `src/backend/utils/adt/uuid.c`), which all end in
/// Bob Jenkins' lookup3 hash as PostgreSQL implements it in `src/common/hashfn.c`
/// (`hash_bytes_extended`, `hash_bytes_uint32_extended`).
///
/// Every function here gives the value PostgreSQL returns **on a little-endian server** (x86-64, ARM64):
/// `hash_bytes_extended` reads the input as little-endian 32-bit words, so a big-endian PostgreSQL build
/// computes different values. The results are `Int64`, exactly as PostgreSQL shows the `int8` it returns.
///
/// Never replace these with Swift's `Hasher`: it is seeded per process.
public enum PostgresHash {
    /// The lookup3 initial value shared by every PostgreSQL hash: `0x9e3779b9 + len + 3923095`.
    @usableFromInline
    static let initialValueBase: UInt32 = 0x9e37_79b9 &+ 3_923_095

    /// `hash_bytes_extended(k, keylen, seed)`: the 64-bit lookup3 hash of `bytes`, as an unsigned value.
    ///
    /// PostgreSQL calls this `hash_any_extended`. The result is `(b << 32) | c` of the final lookup3 state.
    @inlinable
    public static func bytesExtended(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        // PostgreSQL keeps the length in a uint32, so it wraps for inputs over 4 GiB, as here.
        var length = UInt32(truncatingIfNeeded: bytes.count)
        var state = LookupState(repeating: initialValueBase &+ length)
        if seed != 0 {
            state.a &+= UInt32(truncatingIfNeeded: seed >> 32)
            state.b &+= UInt32(truncatingIfNeeded: seed)
            state.mix()
        }
        var offset = 0
        while length >= 12 {
            state.a &+= bytes.loadLittleEndianWord(at: offset)
            state.b &+= bytes.loadLittleEndianWord(at: offset + 4)
            state.c &+= bytes.loadLittleEndianWord(at: offset + 8)
            state.mix()
            offset += 12
            length -= 12
        }
        // The last 0...11 bytes. The lowest byte of c is left alone (lookup3 reserves it for the length).
        if length >= 9 {
            state.c &+= bytes.loadPartialWord(at: offset + 8, count: Int(length) - 8) << 8
        }
        if length >= 5 {
            state.b &+= bytes.loadPartialWord(at: offset + 4, count: min(Int(length), 8) - 4)
        }
        if length >= 1 {
            state.a &+= bytes.loadPartialWord(at: offset, count: min(Int(length), 4))
        }
        state.final()
        return (UInt64(state.b) << 32) | UInt64(state.c)
    }

    /// `hash_bytes_extended` over a byte array.
    @inlinable
    public static func bytesExtended(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { bytesExtended($0, seed: seed) }
    }

    /// `hash_bytes_uint32_extended(k, seed)`: the 64-bit lookup3 hash of one 32-bit word, as an unsigned value.
    ///
    /// PostgreSQL calls this `hash_uint32_extended`; it equals `hash_bytes_extended` over the word's four
    /// little-endian bytes.
    @inlinable
    public static func uint32Extended(_ value: UInt32, seed: UInt64 = 0) -> UInt64 {
        var state = LookupState(repeating: initialValueBase &+ 4)
        if seed != 0 {
            state.a &+= UInt32(truncatingIfNeeded: seed >> 32)
            state.b &+= UInt32(truncatingIfNeeded: seed)
            state.mix()
        }
        state.a &+= value
        state.final()
        return (UInt64(state.b) << 32) | UInt64(state.c)
    }
}

/// The three 32-bit registers of lookup3 (`a`, `b`, `c` in `hashfn.c`) and its two mixing steps.
@usableFromInline
struct LookupState {
    @usableFromInline var a: UInt32
    @usableFromInline var b: UInt32
    @usableFromInline var c: UInt32

    /// All three registers start equal (`a = b = c = 0x9e3779b9 + len + 3923095`).
    @inlinable
    init(repeating value: UInt32) {
        a = value
        b = value
        c = value
    }

    /// `rot(x, k)`: rotate left.
    @inlinable
    static func rotate(_ x: UInt32, _ k: UInt32) -> UInt32 {
        (x << k) | (x >> (32 &- k))
    }

    /// lookup3 `mix(a, b, c)`: reversibly mixes three words after each 12-byte block.
    @inlinable
    mutating func mix() {
        a &-= c; a ^= Self.rotate(c, 4); c &+= b
        b &-= a; b ^= Self.rotate(a, 6); a &+= c
        c &-= b; c ^= Self.rotate(b, 8); b &+= a
        a &-= c; a ^= Self.rotate(c, 16); c &+= b
        b &-= a; b ^= Self.rotate(a, 19); a &+= c
        c &-= b; c ^= Self.rotate(b, 4); b &+= a
    }

    /// lookup3 `final(a, b, c)`: the final avalanche into `b` and `c`.
    @inlinable
    mutating func final() {
        c ^= b; c &-= Self.rotate(b, 14)
        a ^= c; a &-= Self.rotate(c, 11)
        b ^= a; b &-= Self.rotate(a, 25)
        c ^= b; c &-= Self.rotate(b, 16)
        a ^= c; a &-= Self.rotate(c, 4)
        b ^= a; b &-= Self.rotate(a, 14)
        c ^= b; c &-= Self.rotate(b, 24)
    }
}

extension UnsafeRawBufferPointer {
    /// The little-endian 32-bit word at `offset` (unaligned read; the caller guarantees 4 bytes remain).
    @inlinable
    func loadLittleEndianWord(at offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// The first `count` (1...4) bytes at `offset`, read as the low bytes of a little-endian word.
    @inlinable
    func loadPartialWord(at offset: Int, count: Int) -> UInt32 {
        var word: UInt32 = 0
        var index = 0
        while index < count {
            word |= UInt32(self[offset + index]) << (8 * UInt32(index))
            index += 1
        }
        return word
    }
}
