/// A rectangle of cells.
public struct Rect: Sendable, Hashable {
    /// Left column.
    public var x: Int
    /// Top row.
    public var y: Int
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int

    /// Creates a rectangle; negative sizes become 0.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// The rectangle shrunk by `amount` cells on every side.
    public func inset(by amount: Int) -> Rect {
        Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }

    /// Splits into columns of the given weights (the last one takes the rounding rest).
    public func columns(_ weights: [Int]) -> [Rect] {
        let total = max(1, weights.reduce(0, +))
        var result: [Rect] = []
        var left = x
        for (index, weight) in weights.enumerated() {
            let columns = index == weights.count - 1 ? x + width - left : width * weight / total
            result.append(Rect(x: left, y: y, width: columns, height: height))
            left += columns
        }
        return result
    }

    /// Splits into rows of the given heights; `nil` heights share what is left equally.
    public func rows(_ heights: [Int?]) -> [Rect] {
        let fixed = heights.compactMap { $0 }.reduce(0, +)
        let flexible = heights.filter { $0 == nil }.count
        let share = flexible > 0 ? max(0, height - fixed) / flexible : 0
        var extra = flexible > 0 ? max(0, height - fixed) - share * flexible : 0
        var result: [Rect] = []
        var top = y
        for rowHeight in heights {
            var size = rowHeight ?? share
            if rowHeight == nil && extra > 0 {
                size += 1
                extra -= 1
            }
            size = min(size, y + height - top)
            result.append(Rect(x: x, y: top, width: width, height: size))
            top += size
        }
        return result
    }
}
