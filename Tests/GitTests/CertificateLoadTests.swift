import Foundation
import XCTest

@testable import Git

/// libgit2's start-up parses no CA bundle: the executable's `mbedtls_x509_crt_parse_file`
/// (Sources/CGit2Support/tls_certificates.c), not mbedTLS's, is the one the process binds.
final class CertificateLoadTests: XCTestCase {
    func testLibgit2BindsTheExecutablesCertificateParser() throws {
        try Library.ensureInitialized()
        let bound = try XCTUnwrap(dlsym(dlopen(nil, RTLD_NOW), "mbedtls_x509_crt_parse_file"))
        // libgit2 brought mbedTLS's library in; its own definition is another function.
        let library = try XCTUnwrap(dlopen("libmbedx509.so.1", RTLD_NOW | RTLD_NOLOAD), "libgit2 is built with mbedTLS")
        let theirs = try XCTUnwrap(dlsym(library, "mbedtls_x509_crt_parse_file"))
        // mbedTLS's own would dereference the chain given (nil here): never called.
        guard bound != theirs else { return XCTFail("mbedtls_x509_crt_parse_file is bound to mbedTLS's") }
        typealias Parse = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Int32
        XCTAssertEqual(unsafeBitCast(bound, to: Parse.self)(nil, "/etc/ssl/certs/ca-certificates.crt"), -0x2900)
    }
}
