import Foundation
import Trace

/// Claude Code's `NotebookEdit` on a Jupyter notebook: replace, insert or delete one cell,
/// found by `cell_id` (a cell's `id`, or `cell-N` for the N-th cell), then the notebook written
/// back as `JSON.stringify(notebook, null, 1)` writes it.
package struct NotebookEdit {
    let input: JSON

    package init(input: JSON) { self.input = input }

    package func apply(to content: [UInt8]?) -> FileEdit {
        guard let content else { return .failure("Notebook file does not exist.") }
        guard let notebook = try? JSONParser.parse(content), var top = notebook.objectValue else {
            return .failure("Notebook is not valid JSON.")
        }
        guard let cellsIndex = top.firstIndex(where: { $0.0 == "cells" }), var cells = top[cellsIndex].1.arrayValue else {
            return .failure("Notebook has no cells.")
        }
        let mode = input["edit_mode"]?.stringValue ?? "replace"
        let source = input["new_source"]?.stringValue ?? ""
        let cellType = input["cell_type"]?.stringValue
        var index: Int? = nil
        if let id = input["cell_id"]?.stringValue {
            index = cells.firstIndex { $0["id"]?.stringValue == id }
            if index == nil, id.hasPrefix("cell-"), let n = Int(id.dropFirst(5)), n >= 0, n < cells.count { index = n }
            guard index != nil else { return .failure("Cell with ID \"\(id)\" not found in notebook.") }
        } else if let n = input["cell_number"]?.intValue {
            guard n >= 0, Int(n) < cells.count || (mode == "insert" && Int(n) <= cells.count) else {
                return .failure("Cell number is out of bounds.")
            }
            index = Int(n)
        }
        switch mode {
        case "replace":
            guard let i = index, i < cells.count, var cell = cells[i].objectValue else { return .failure("Cell not found.") }
            set(&cell, "source", .string(source))
            if let cellType { set(&cell, "cell_type", .string(cellType)) }
            if cell.first(where: { $0.0 == "cell_type" })?.1.stringValue == "code" {
                set(&cell, "execution_count", .null)
                set(&cell, "outputs", .array([]))
            }
            cells[i] = .object(cell)
        case "delete":
            guard let i = index, i < cells.count else { return .failure("Cell not found.") }
            cells.remove(at: i)
        case "insert":
            guard let cellType else { return .failure("Cell type is required when using edit_mode=insert.") }
            let minor = top.first { $0.0 == "nbformat_minor" }?.1.intValue ?? 0
            let major = top.first { $0.0 == "nbformat" }?.1.intValue ?? 4
            if major > 4 || (major == 4 && minor >= 5) {
                // Such notebooks give every new cell a random id: not reproducible from the input.
                return .failure("inserting into an nbformat ≥ 4.5 notebook makes a random cell id that the log does not record")
            }
            var cell: [(String, JSON)] = [("cell_type", .string(cellType)), ("source", .string(source)), ("metadata", .object([]))]
            if cellType == "code" { cell += [("outputs", .array([])), ("execution_count", .null)] }
            let at = input["cell_id"] != nil ? (index ?? -1) + 1 : (index ?? 0)
            cells.insert(.object(cell), at: min(max(0, at), cells.count))
        default:
            return .failure("Unknown edit_mode \"\(mode)\".")
        }
        top[cellsIndex].1 = .array(cells)
        return .write(Array(JSONWriter.pretty(NotebookEdit.javaScriptNumbers(.object(top)), width: 1).utf8))
    }

    /// Numbers as JavaScript writes them (`1.50` → `1.5`, `1e3` → `1000`, `1e-07` → `1e-7`):
    /// Claude Code parses the notebook and writes it back with `JSON.stringify`.
    static func javaScriptNumbers(_ value: JSON) -> JSON {
        switch value {
        case .number(let text):
            guard let d = Double(text), d.isFinite else { return value }
            if d == d.rounded(), abs(d) < 1e21 {
                return .number(d == 0 ? "0" : String(format: "%.0f", d))
            }
            var s = d.description
            s = s.replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+0", with: "e+")
            if s.contains("e"), !s.contains("e-"), !s.contains("e+") { s = s.replacingOccurrences(of: "e", with: "e+") }
            return .number(s)
        case .array(let a): return .array(a.map(javaScriptNumbers))
        case .object(let o): return .object(o.map { ($0.0, javaScriptNumbers($0.1)) })
        default: return value
        }
    }

    private func set(_ object: inout [(String, JSON)], _ key: String, _ value: JSON) {
        if let i = object.firstIndex(where: { $0.0 == key }) { object[i].1 = value } else { object.append((key, value)) }
    }
}
