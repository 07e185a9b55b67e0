/// A mixed-integer linear program: columns with bounds and kinds, rows with bounds,
/// sparse coefficients and a linear objective.
///
/// The model is a plain value: build it with ``addVariable(_:kind:lowerBound:upperBound:objective:)``
/// and ``addConstraint(_:_:lowerBound:upperBound:)``, then hand it to any ``MILPSolver``.
/// Infinite bounds (`-.infinity`, `.infinity`) mean "no bound". Nothing is checked while
/// building; ``validate()`` (which every solver and writer calls first) reports the first
/// problem with a descriptive ``ModelError``.
public struct LinearModel: Sendable, Hashable {
    /// Direction of optimisation.
    public enum Sense: String, Sendable, Hashable, Codable {
        case minimize
        case maximize
    }

    /// What values a column may take.
    public enum VariableKind: String, Sendable, Hashable, Codable {
        case continuous
        case integer
        /// An integer column in [0, 1]; its bounds are always 0 and 1.
        case binary
    }

    /// One column.
    public struct Variable: Sendable, Hashable {
        /// Column name as written to LP/MPS files and shown in messages; may be empty (GLPK then makes one up),
        /// at most 255 bytes, no control characters.
        public var name: String
        /// Whether the column is continuous, integer or binary.
        public var kind: VariableKind
        /// Lower bound; `-.infinity` for none. Must not be NaN or `+.infinity`.
        public var lowerBound: Double
        /// Upper bound; `.infinity` for none. Must not be NaN or `-.infinity`, nor below ``lowerBound``.
        public var upperBound: Double
        /// Objective coefficient.
        public var objective: Double

        /// Creates a column from its fields. Unlike ``LinearModel/addVariable(_:kind:lowerBound:upperBound:objective:)`` this
        /// does not force a binary column's bounds to [0, 1]; ``LinearModel/validate()`` does not check them either.
        public init(name: String, kind: VariableKind, lowerBound: Double, upperBound: Double, objective: Double) {
            self.name = name
            self.kind = kind
            self.lowerBound = lowerBound
            self.upperBound = upperBound
            self.objective = objective
        }
    }

    /// One non-zero coefficient of a row.
    public struct Term: Sendable, Hashable {
        /// The column the coefficient multiplies.
        public var variable: VariableID
        /// The coefficient: finite, and zero or of magnitude within ``LinearModel/coefficientMagnitudes``.
        public var coefficient: Double

        /// Creates a term from its column and coefficient; `2 * x` (the `*` operator on ``VariableID``) builds the same.
        public init(_ variable: VariableID, _ coefficient: Double) {
            self.variable = variable
            self.coefficient = coefficient
        }
    }

    /// One row: `lowerBound <= sum(terms) <= upperBound`.
    public struct Constraint: Sendable, Hashable {
        /// Row name as written to LP/MPS files and shown in messages; the same rules as column names.
        public var name: String
        /// The row's coefficients; a column may appear more than once (the repeats are summed, see ``LinearModel/mergedRows()``).
        public var terms: [Term]
        /// Lower bound of the row's activity; `-.infinity` for none.
        public var lowerBound: Double
        /// Upper bound of the row's activity; `.infinity` for none. Equal bounds make an equality.
        public var upperBound: Double

        /// Creates a row from its fields.
        public init(name: String, terms: [Term], lowerBound: Double, upperBound: Double) {
            self.name = name
            self.terms = terms
            self.lowerBound = lowerBound
            self.upperBound = upperBound
        }
    }

    /// The model's name, written to LP/MPS files (default "model").
    public var name: String
    /// The objective row's name, written to LP/MPS files (default "obj").
    public var objectiveName: String
    /// Whether the objective is minimised (the default) or maximised.
    public var sense: Sense
    /// Constant added to the objective.
    public var objectiveConstant: Double
    /// The columns, indexed by ``VariableID/index`` in the order they were added.
    public var variables: [Variable]
    /// The rows, in the order they were added.
    public var constraints: [Constraint]

    /// Creates an empty model.
    public init(name: String = "model", objectiveName: String = "obj", sense: Sense = .minimize) {
        self.name = name
        self.objectiveName = objectiveName
        self.sense = sense
        self.objectiveConstant = 0
        self.variables = []
        self.constraints = []
    }

    /// Adds a column and returns its identifier. Binary columns always get bounds [0, 1].
    @discardableResult
    public mutating func addVariable(
        _ name: String,
        kind: VariableKind = .continuous,
        lowerBound: Double = 0,
        upperBound: Double = .infinity,
        objective: Double = 0
    ) -> VariableID {
        let bounds = kind == .binary ? (0.0, 1.0) : (lowerBound, upperBound)
        variables.append(Variable(name: name, kind: kind, lowerBound: bounds.0, upperBound: bounds.1, objective: objective))
        return VariableID(index: variables.count - 1)
    }

    /// Adds a row `lowerBound <= sum(coefficient * variable) <= upperBound`.
    /// Repeated variables in `terms` are summed when the model is solved or written.
    @discardableResult
    public mutating func addConstraint(
        _ name: String,
        _ terms: [Term],
        lowerBound: Double = -.infinity,
        upperBound: Double = .infinity
    ) -> Int {
        constraints.append(Constraint(name: name, terms: terms, lowerBound: lowerBound, upperBound: upperBound))
        return constraints.count - 1
    }

    /// Adds `sum(terms) == value`.
    @discardableResult
    public mutating func addEquality(_ name: String, _ terms: [Term], _ value: Double) -> Int {
        addConstraint(name, terms, lowerBound: value, upperBound: value)
    }

    /// Whether any column is integer or binary.
    public var isMixedInteger: Bool {
        variables.contains { $0.kind != .continuous }
    }

    /// Number of stored coefficients (before merging repeats).
    public var nonzeroCount: Int {
        constraints.reduce(0) { $0 + $1.terms.count }
    }

    /// Evaluates the objective at `values` (one entry per column).
    public func objectiveValue(at values: [Double]) -> Double {
        zip(variables, values).reduce(objectiveConstant) { $0 + $1.0.objective * $1.1 }
    }

    /// The largest violation of any bound, row or integrality at `values`; 0 means feasible.
    public func maximumViolation(at values: [Double]) -> Double {
        precondition(values.count == variables.count, "one value per column")
        var worst = 0.0
        for (variable, value) in zip(variables, values) {
            worst = max(worst, variable.lowerBound - value, value - variable.upperBound)
            if variable.kind != .continuous { worst = max(worst, abs(value - value.rounded())) }
        }
        for row in constraints {
            let activity = row.terms.reduce(0.0) { $0 + $1.coefficient * values[$1.variable.index] }
            worst = max(worst, row.lowerBound - activity, activity - row.upperBound)
        }
        return worst
    }
}

/// Identifies a column of a ``LinearModel`` by its position.
public struct VariableID: Sendable, Hashable, Comparable {
    /// Position of the column in ``LinearModel/variables`` (0-based).
    public let index: Int
    /// The identifier of column `index`; nothing checks that the column exists until ``LinearModel/validate()``.
    public init(index: Int) { self.index = index }
    /// Orders identifiers by column position.
    public static func < (lhs: VariableID, rhs: VariableID) -> Bool { lhs.index < rhs.index }

    /// `coefficient * self`, for building rows: `model.addConstraint("c", [2 * x, 3 * y], upperBound: 4)`.
    public static func * (coefficient: Double, variable: VariableID) -> LinearModel.Term {
        LinearModel.Term(variable, coefficient)
    }
}

/// A model that cannot be solved or written as it stands.
public enum ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyModel
    case tooLarge(rows: Int, columns: Int, nonzeros: Int)
    case variableOutOfRange(row: String, index: Int, columns: Int)
    case nonFiniteCoefficient(row: String, column: String, value: Double)
    case coefficientOutOfRange(row: String?, column: String, value: Double)
    case nonFiniteObjective(column: String, value: Double)
    case nonFiniteObjectiveConstant(Double)
    case invalidBound(what: String, name: String, lower: Double, upper: Double)
    case invalidName(what: String, name: String, reason: String)

    /// One line for the user naming the row, column or bound at fault.
    public var description: String {
        switch self {
        case .emptyModel:
            return "the model has no columns"
        case .tooLarge(let rows, let columns, let nonzeros):
            return "the model is too large for GLPK (\(rows) rows, \(columns) columns, \(nonzeros) non-zeros; each must be below 2^31)"
        case .variableOutOfRange(let row, let index, let columns):
            return "row '\(row)' refers to column index \(index), but the model has \(columns) columns"
        case .nonFiniteCoefficient(let row, let column, let value):
            return "row '\(row)' has a non-finite coefficient \(value) for column '\(column)'"
        case .coefficientOutOfRange(let row, let column, let value):
            let place =
                row.map { "row '\($0)' has coefficient \(value) for column '\(column)'" }
                ?? "column '\(column)' has objective coefficient \(value)"
            return
                "\(place); non-zero coefficients must lie within \(LinearModel.coefficientMagnitudes.lowerBound)...\(LinearModel.coefficientMagnitudes.upperBound) in magnitude (GLPK's scaling fails beyond, and solvers treat 1e20 as infinite); rescale the model"
        case .nonFiniteObjective(let column, let value):
            return "column '\(column)' has a non-finite objective coefficient \(value)"
        case .nonFiniteObjectiveConstant(let value):
            return "the objective constant \(value) is not finite"
        case .invalidBound(let what, let name, let lower, let upper):
            if lower.isNaN || upper.isNaN { return "\(what) '\(name)' has a NaN bound" }
            if lower == .infinity { return "\(what) '\(name)' has lower bound +infinity" }
            if upper == -.infinity { return "\(what) '\(name)' has upper bound -infinity" }
            return "\(what) '\(name)' has lower bound \(lower) above its upper bound \(upper)"
        case .invalidName(let what, let name, let reason):
            return "\(what) name '\(name.prefix(40))\(name.count > 40 ? "..." : "")' is invalid: \(reason)"
        }
    }
}

extension LinearModel {
    /// Magnitudes a non-zero coefficient may have. GLPK's scaling turns 1e200 or 1e-300 into a
    /// zero scale factor and aborts; no meaningful model needs coefficients beyond 1e30 (CPLEX
    /// already treats 1e20 as infinity), so the range refuses such files with a plain message.
    public static let coefficientMagnitudes = 1e-30...1e30

    /// GLPK's limit on a symbolic name.
    public static let maximumNameLength = 255

    /// Checks everything a solver relies on, and reports the first problem found.
    public func validate() throws(ModelError) {
        guard !variables.isEmpty else { throw .emptyModel }
        let limit = Int(Int32.max) - 1
        guard variables.count < limit, constraints.count < limit, nonzeroCount < limit else {
            throw .tooLarge(rows: constraints.count, columns: variables.count, nonzeros: nonzeroCount)
        }
        try Self.checkName(name, what: "model")
        try Self.checkName(objectiveName, what: "objective")
        guard objectiveConstant.isFinite else { throw .nonFiniteObjectiveConstant(objectiveConstant) }
        for variable in variables {
            try Self.checkName(variable.name, what: "column")
            try Self.checkBounds(variable.lowerBound, variable.upperBound, what: "column", name: variable.name)
            guard variable.objective.isFinite else {
                throw .nonFiniteObjective(column: variable.name, value: variable.objective)
            }
            guard variable.objective == 0 || Self.coefficientMagnitudes.contains(abs(variable.objective)) else {
                throw .coefficientOutOfRange(row: nil, column: variable.name, value: variable.objective)
            }
        }
        for row in constraints {
            try Self.checkName(row.name, what: "row")
            try Self.checkBounds(row.lowerBound, row.upperBound, what: "row", name: row.name)
            for term in row.terms {
                guard term.variable.index >= 0, term.variable.index < variables.count else {
                    throw .variableOutOfRange(row: row.name, index: term.variable.index, columns: variables.count)
                }
                guard term.coefficient.isFinite else {
                    throw .nonFiniteCoefficient(row: row.name, column: variables[term.variable.index].name, value: term.coefficient)
                }
                guard term.coefficient == 0 || Self.coefficientMagnitudes.contains(abs(term.coefficient)) else {
                    throw .coefficientOutOfRange(row: row.name, column: variables[term.variable.index].name, value: term.coefficient)
                }
            }
        }
    }

    private static func checkBounds(_ lower: Double, _ upper: Double, what: String, name: String) throws(ModelError) {
        guard !lower.isNaN, !upper.isNaN, lower != .infinity, upper != -.infinity, lower <= upper else {
            throw .invalidBound(what: what, name: name, lower: lower, upper: upper)
        }
    }

    private static func checkName(_ name: String, what: String) throws(ModelError) {
        // Empty names are allowed (GLPK then generates one); others must fit GLPK's rules.
        guard name.utf8.count <= maximumNameLength else {
            throw .invalidName(what: what, name: name, reason: "longer than \(maximumNameLength) bytes")
        }
        guard !name.unicodeScalars.contains(where: { $0.value < 32 || $0.value == 127 }) else {
            throw .invalidName(what: what, name: name, reason: "contains a control character")
        }
    }

    /// Rows with repeated columns summed and zero coefficients dropped, as solvers expect
    /// (columns in the order of their first appearance in the row).
    public func mergedRows() -> [[Term]] {
        // One scratch slot per column instead of a dictionary per row: the models solved in a
        // search have a few hundred columns and tens of rows, each built thousands of times.
        var slot = [Int](repeating: -1, count: variables.count)
        return constraints.map { row in
            var merged: [Term] = []
            merged.reserveCapacity(row.terms.count)
            for term in row.terms {
                let column = term.variable.index
                if column >= 0, column < slot.count, slot[column] >= 0 {
                    merged[slot[column]].coefficient += term.coefficient
                } else {
                    if column >= 0, column < slot.count { slot[column] = merged.count }
                    merged.append(term)
                }
            }
            for term in merged where term.variable.index >= 0 && term.variable.index < slot.count { slot[term.variable.index] = -1 }
            return merged.filter { $0.coefficient != 0 }
        }
    }
}
