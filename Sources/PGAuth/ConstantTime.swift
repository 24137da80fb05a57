/// Comparisons of secrets whose running time does not depend on the bytes compared.
///
/// Used for SCRAM proofs and signatures, MD5 responses and cancel keys, so that a peer cannot learn
/// how many leading bytes of a guess were right by timing the answer.
public enum ConstantTime {
    /// Returns whether `a` and `b` hold the same bytes.
    ///
    /// Every byte position up to the longer of the two lengths is visited, with no early exit; a length
    /// mismatch makes the result `false` but does not shorten the loop. The time therefore depends only on
    /// the two lengths (which are not secret), never on the contents.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let longest = Swift.max(a.count, b.count)
        var difference: UInt8 = a.count == b.count ? 0 : 1
        var index = 0
        while index < longest {
            let left: UInt8 = index < a.count ? a[index] : 0
            let right: UInt8 = index < b.count ? b[index] : 0
            difference |= left ^ right
            index += 1
        }
        return difference == 0
    }
}
