/// A point in time as the pool sees it: nanoseconds since an arbitrary origin chosen by the caller.
///
/// The pool never reads a clock itself. The I/O layer passes `now` into every mutating call (for example
/// `PoolInstant(nanoseconds: DispatchTime.now().uptimeNanoseconds)` or NIO's `NIODeadline.now()`), and tests
/// pass a mock value they advance by hand, so no test ever sleeps. The values must come from a monotonic
/// clock; if an instant ever goes backwards the pool stays safe (all arithmetic saturates) but timeouts may
/// fire a little late.
public struct PoolInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds since the caller's origin.
    public var nanoseconds: UInt64

    /// Creates an instant `nanoseconds` after the caller's origin.
    public init(nanoseconds: UInt64) {
        self.nanoseconds = nanoseconds
    }

    /// The origin itself; handy as the start of a mock clock.
    public static let zero = PoolInstant(nanoseconds: 0)

    /// Orders instants by time.
    public static func < (lhs: PoolInstant, rhs: PoolInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// The instant `duration` after (or, when negative, before) `instant`, saturating at the ends of the
    /// representable range instead of trapping.
    public static func + (instant: PoolInstant, duration: Duration) -> PoolInstant {
        if duration >= .zero {
            let (sum, overflow) = instant.nanoseconds.addingReportingOverflow(duration.saturatingNanosecondMagnitude)
            return PoolInstant(nanoseconds: overflow ? UInt64.max : sum)
        } else {
            let magnitude = duration.saturatingNanosecondMagnitude
            return PoolInstant(nanoseconds: instant.nanoseconds >= magnitude ? instant.nanoseconds - magnitude : 0)
        }
    }

    /// The time from `earlier` to `later`; negative when `later` is before `earlier`. Saturates at the
    /// range of `Int64` nanoseconds (about 292 years).
    public static func - (later: PoolInstant, earlier: PoolInstant) -> Duration {
        if later.nanoseconds >= earlier.nanoseconds {
            return .nanoseconds(Int64(clamping: later.nanoseconds - earlier.nanoseconds))
        } else {
            return .nanoseconds(-Int64(clamping: earlier.nanoseconds - later.nanoseconds))
        }
    }

    /// The instant as seconds with a fractional part, for logs.
    public var description: String {
        let seconds = nanoseconds / 1_000_000_000
        let fraction = nanoseconds % 1_000_000_000
        let fractionText = String(fraction)
        return "\(seconds).\(String(repeating: "0", count: 9 - fractionText.count))\(fractionText)s"
    }
}

extension Duration {
    /// The absolute value of this duration in whole nanoseconds (sub-nanosecond parts are dropped),
    /// saturating at `UInt64.max` instead of trapping.
    var saturatingNanosecondMagnitude: UInt64 {
        let (seconds, attoseconds) = self.components
        let wholeSeconds = UInt64(seconds.magnitude)
        let nanosecondPart = UInt64(attoseconds.magnitude) / 1_000_000_000
        let (scaled, scaleOverflow) = wholeSeconds.multipliedReportingOverflow(by: 1_000_000_000)
        if scaleOverflow {
            return UInt64.max
        }
        let (total, addOverflow) = scaled.addingReportingOverflow(nanosecondPart)
        return addOverflow ? UInt64.max : total
    }

    /// `self` when positive; `nil` when zero or negative, which the configuration uses to mean "disabled".
    var positiveOrNil: Duration? {
        self > .zero ? self : nil
    }
}
