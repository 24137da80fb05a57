/// A TOML table: keys mapped to values, remembering the order in which the keys were defined.
///
/// Invariant: `keys` holds every key of the table exactly once, in definition order.
public struct TOMLTable: Sendable, Equatable {
    /// The keys, in the order they were first defined in the document.
    public private(set) var keys: [String] = []
    private var storage: [String: TOMLValue] = [:]

    /// An empty table.
    public init() {}

    /// A table from key/value pairs, in order. A repeated key keeps its position and takes the later value.
    public init(_ entries: KeyValuePairs<String, TOMLValue>) {
        for (key, value) in entries {
            self[key] = value
        }
    }

    /// The value of `key`, or nil. Setting a new key appends it to `keys`; setting nil removes it.
    public subscript(key: String) -> TOMLValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil {
                    keys.append(key)
                }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// The entries in definition order.
    public var entries: [(key: String, value: TOMLValue)] {
        keys.compactMap { key in storage[key].map { (key: key, value: $0) } }
    }

    /// Number of keys.
    public var count: Int { keys.count }

    /// True when the table has no key.
    public var isEmpty: Bool { keys.isEmpty }
}
