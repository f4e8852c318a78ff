"""Baserow-compatible formula language: parse, type-check, compile to SQL.

Pure package: depends only on the standard library and SQLAlchemy.

>>> formula = typecheck(parse("field('Amount') * 2"), {"Amount": FieldInfo("number", 2)})
>>> formula.formula_type, formula.number_decimal_places
('number', 2)
"""

from __future__ import annotations

from .compiler import ArraySelect, ArraySource, CompiledArray, compile_array, compile_sql
from .errors import (
    FormulaCompileError,
    FormulaError,
    FormulaSelfReferenceError,
    FormulaSyntaxError,
    FormulaTypeError,
)
from .ftypes import FORMULA_TYPES, FieldInfo, FType, field_info
from .functions.base import TypedExpr
from .functions.registry import function_names
from .nodes import (
    BooleanLiteral,
    FieldReference,
    FunctionCall,
    LookupReference,
    Node,
    NumberLiteral,
    StringLiteral,
)
from .parser import parse
from .rename import (
    referenced_fields,
    referenced_lookups,
    references,
    rename_field_references,
)
from .typecheck import TypedFormula, typecheck

__all__ = [
    "FORMULA_TYPES",
    "ArraySelect",
    "ArraySource",
    "BooleanLiteral",
    "CompiledArray",
    "FType",
    "FieldInfo",
    "FieldReference",
    "FormulaCompileError",
    "FormulaError",
    "FormulaSelfReferenceError",
    "FormulaSyntaxError",
    "FormulaTypeError",
    "FunctionCall",
    "LookupReference",
    "Node",
    "NumberLiteral",
    "StringLiteral",
    "TypedExpr",
    "TypedFormula",
    "compile_array",
    "compile_sql",
    "field_info",
    "function_names",
    "parse",
    "referenced_fields",
    "referenced_lookups",
    "references",
    "rename_field_references",
    "typecheck",
]
