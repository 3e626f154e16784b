import XCTest
@testable import Importers
import Trace
