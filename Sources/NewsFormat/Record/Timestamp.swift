/// A point in time with millisecond precision, formatted as RFC 3339 UTC (`2025-12-07T08:15:30.123Z`).
public struct Timestamp: Sendable, Equatable, Comparable, Hashable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSince1970: Int64

    /// Creates a timestamp.
    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    /// RFC 3339 in UTC with milliseconds.
    public var rfc3339: String {
        let milliseconds = Int(millisecondsSince1970 %% 1000)
        let seconds = (millisecondsSince1970 - Int64(milliseconds)) / 1000
        let days = Int((seconds - seconds %% 86_400) / 86_400)
        let secondOfDay = Int(seconds %% 86_400)
        let (year, month, day) = Self.civilDate(daysSince1970: days)
        // Written digit by digit: this runs once per record.
        return String(unsafeUninitializedCapacity: 32) { buffer in
            var length = 0
            func put(_ value: Int, width: Int) {
                var remaining = value
                for position in stride(from: length + width - 1, through: length, by: -1) {
                    buffer[position] = UInt8(truncatingIfNeeded: 0x30 + remaining % 10)
                    remaining /= 10
                }
                length += width
            }
            func put(_ byte: Character) {
                buffer[length] = byte.asciiValue!
                length += 1
            }
            if year > 9999 || year < 0 {
                // Out of RFC 3339's range; written in full so that it is at least readable.
                for byte in String(year).utf8 {
                    buffer[length] = byte
                    length += 1
                }
            } else {
                put(year, width: 4)
            }
            put("-")
            put(month, width: 2)
            put("-")
            put(day, width: 2)
            put("T")
            put(secondOfDay / 3600, width: 2)
            put(":")
            put(secondOfDay / 60 % 60, width: 2)
            put(":")
            put(secondOfDay % 60, width: 2)
            put(".")
            put(milliseconds, width: 3)
            put("Z")
            return length
        }
    }

    /// Howard Hinnant's `civil_from_days`: proleptic Gregorian date of a day count.
    static func civilDate(daysSince1970: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    /// Floored modulo: the result has the sign of the divisor.
    fileprivate static func %% (lhs: Int64, rhs: Int64) -> Int64 {
        let remainder = lhs % rhs
        return remainder < 0 ? remainder + rhs : remainder
    }
}

infix operator %% : MultiplicationPrecedence
