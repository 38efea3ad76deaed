import Foundation

extension String {
    /// NFD, through Foundation (fixtures only: independent of the library's own fast paths).
    var decomposedStringWithCanonicalMappingCompat: String { decomposedStringWithCanonicalMapping }
    /// NFC, through Foundation.
    var precomposedStringWithCanonicalMappingCompat: String { precomposedStringWithCanonicalMapping }
}
