/// A first-in, first-out queue: appends at the back, takes from the front, each in amortized constant time.
struct FIFOQueue<Element> {
    private var elements: [Element] = []
    /// Where the front is in `elements`; what lies before it was taken.
    private var front = 0

    /// The front element, not taken.
    var first: Element? { front < elements.count ? elements[front] : nil }

    /// True when nothing waits.
    var isEmpty: Bool { front == elements.count }

    /// Adds `element` at the back.
    mutating func append(_ element: Element) { elements.append(element) }

    /// Takes the front element, or `nil` when empty.
    mutating func popFirst() -> Element? {
        guard front < elements.count else { return nil }
        let element = elements[front]
        front += 1
        // Drop the taken part once it is half the storage, so the queue does not keep all it ever held.
        if front * 2 >= elements.count {
            elements.removeFirst(front)
            front = 0
        }
        return element
    }

    /// Takes everything, front first.
    mutating func takeAll() -> [Element] {
        defer {
            elements.removeAll()
            front = 0
        }
        return Array(elements[front...])
    }
}
