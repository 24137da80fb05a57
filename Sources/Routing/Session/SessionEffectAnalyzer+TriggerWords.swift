extension SessionEffectAnalyzer {
    /// The byte scan behind `SessionEffectAnalyzer.mayHaveEffects`: finds, case-insensitively, the words without
    /// which no session effect can exist.
    ///
    /// Soundness argument (why "no trigger word" implies "no effect"): every effect needs a keyword or function name
    /// in the source as plain bytes (`SET`, `RESET`, `set_config`, `DISCARD`, `DEALLOCATE`, `LISTEN`, `UNLISTEN`,
    /// `LOAD`, `TEMP`/`TEMPORARY`/`pg_temp`, `pg_advisory_lock`..., `HOLD`, `PREPARE`; a `DO` body pins only when it
    /// holds one of these words itself). Words that start a token are required to start where `SQLLexer` can start a
    /// token: not right after a letter g–z (a token can end in a letter only when it is a hexadecimal number, whose
    /// last letter is a–f), and `set` not right after `off` (then the `f` cannot end a number). `listen` (inside
    /// `unlisten`) and `advisory` (inside `pg_advisory_lock`) are matched anywhere.
    enum TriggerWordScanner {
        /// True when `bytes` holds a trigger word.
        static func containsTrigger(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            let count = bytes.count
            var index = 0
            while index < count {
                switch bytes[index] | 0x20 {
                case UInt8(ascii: "s"):
                    if startsToken(bytes, at: index), has(bytes, at: index, "set"), !follows(bytes, index, "off") {
                        return true
                    }
                case UInt8(ascii: "r"):
                    if startsToken(bytes, at: index), has(bytes, at: index, "reset") { return true }
                case UInt8(ascii: "d"):
                    if startsToken(bytes, at: index),
                       has(bytes, at: index, "discard") || has(bytes, at: index, "dealloc") {
                        return true
                    }
                case UInt8(ascii: "l"):
                    if has(bytes, at: index, "listen") { return true }
                    if startsToken(bytes, at: index), has(bytes, at: index, "load") { return true }
                case UInt8(ascii: "t"):
                    if startsToken(bytes, at: index), has(bytes, at: index, "temp") { return true }
                case UInt8(ascii: "a"):
                    if has(bytes, at: index, "advisory") { return true }
                case UInt8(ascii: "h"):
                    if startsToken(bytes, at: index), has(bytes, at: index, "hold") { return true }
                case UInt8(ascii: "p"):
                    if startsToken(bytes, at: index), has(bytes, at: index, "prepare") { return true }
                default:
                    break
                }
                index += 1
            }
            return false
        }

        /// True when a token may start at `index`: at the start, or after any byte but the letters g–z.
        @inline(__always)
        static func startsToken(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
            guard index > 0 else { return true }
            let previous = bytes[index - 1] | 0x20
            return previous < UInt8(ascii: "g") || previous > UInt8(ascii: "z")
        }

        /// True when the lower-case letters `word` occur at `index`, ignoring ASCII case.
        @inline(__always)
        static func has(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, _ word: StaticString) -> Bool {
            let length = word.utf8CodeUnitCount
            guard length <= bytes.count - index else { return false }
            let letters = word.utf8Start
            var offset = 0
            while offset < length {
                if bytes[index + offset] | 0x20 != letters[offset] { return false }
                offset += 1
            }
            return true
        }

        /// True when the lower-case letters `word` end right before `index`, ignoring ASCII case.
        @inline(__always)
        static func follows(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ word: StaticString) -> Bool {
            let length = word.utf8CodeUnitCount
            guard index >= length else { return false }
            return has(bytes, at: index - length, word)
        }
    }
}
