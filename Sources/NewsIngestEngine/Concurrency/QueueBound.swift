import Dispatch

/// A value confined to one serial Dispatch queue, checked: touching it from anywhere else traps (as swift-nio's
/// `NIOLoopBound` does on the wrong event loop), instead of a comment saying which queue may.
///
/// The box is `Sendable` so that a `Sendable` owner may hold it; the value itself is only ever reached on
/// ``queue``.
final class QueueBound<Value>: @unchecked Sendable {
    /// The queue the value is confined to.
    let queue: DispatchQueue
    private var value: Value

    /// Boxes `value` for `queue`. Made anywhere: nothing touches the value until ``withValue(_:)``.
    init(_ value: Value, on queue: DispatchQueue) {
        self.value = value
        self.queue = queue
    }

    /// Runs `body` on the value; must be called on ``queue``.
    func withValue<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        dispatchPrecondition(condition: .onQueue(queue))
        return try body(&value)
    }

    /// The value, read or changed in place; only on ``queue``.
    var wrapped: Value {
        _read {
            dispatchPrecondition(condition: .onQueue(queue))
            yield value
        }
        _modify {
            dispatchPrecondition(condition: .onQueue(queue))
            yield &value
        }
    }
}
