// Reducer.g4: the concrete syntax of the .reducer language (see shared/spec/LANGUAGE.md).
//
// The grammar accepts a few wrong forms on purpose (a reducer named by a string, a prefix that is
// an identifier, `5 s` or `1.5s` as a duration, more than one handler parameter) so that the AST
// builder in compiler/syntax/ can name the mistake precisely instead of a generic syntax error.
//
// Expressions avoid ANTLR's left recursion: binary operators are one flat `unary (op unary)*`
// loop whose precedence the builder applies, `? :` and prefix operators are flat runs too. The
// parse tree stays shallow for long chains (`1+1+...+1`) and the builder folds them with loops.
grammar Reducer;

// ============================================================================================
// Declarations
// ============================================================================================

// file := decl*
file
    : decl* EOF
    ;

decl
    : reducerDecl
    | sessionDecl
    | fnDecl
    | effectDecl
    | typeAlias
    ;

// reducer NAME { member* }
reducerDecl
    : REDUCER reducerName LBRACE member* RBRACE
    ;

// An identifier; the other alternatives exist only to report ReducerNameNotIdentifier.
reducerName
    : ident
    | STRING | INT | FLOAT | DURATION | BAD_NUMBER
    | TRUE | FALSE | NIL | hardKeyword
    ;

member
    : prefixDecl
    | stateDecl
    | onHandler
    | asyncHandler
    | queryDecl
    | fnDecl
    | effectDecl
    ;

// prefix "text"; | prefix none;  Anything else is accepted only to report InvalidPrefix.
prefixDecl
    : PREFIX prefixValue SEMI
    ;

prefixValue
    : STRING
    | NONE
    | ident | INT | FLOAT | DURATION | BAD_NUMBER | TRUE | FALSE | NIL
    ;

// state { name: type = default; ... }
stateDecl
    : STATE LBRACE stateField* RBRACE
    ;

stateField
    : ident COLON type ASSIGN expr SEMI
    ;

// on "type"(p: T)? (when GUARD)? (debounce D | throttle D)? { ... }
onHandler
    : ON STRING params? (WHEN expr)? rateLimit? block
    ;

rateLimit
    : (DEBOUNCE | THROTTLE) duration
    ;

// async (every | latest | leading)? "type"(p: T)? { ... }
asyncHandler
    : ASYNC (EVERY | LATEST | LEADING)? STRING params? block
    ;

// query "name"(p: T)? -> T { ... }
// The result type is required; the builder reports it missing rather than the parser, which
// would take the body for a record type and cascade.
queryDecl
    : QUERY STRING params? (ARROW type)? block
    ;

// fn name(params) -> T { ... }   (the result type is required, as for a query)
fnDecl
    : FN ident params (ARROW type)? block
    ;

// effect a.b.c(params) (-> T)?;
effectDecl
    : EFFECT ident (DOT ident)* params (ARROW type)? SEMI
    ;

// type Name = T;
typeAlias
    : TYPE ident ASSIGN type SEMI
    ;

// session NAME { reducers a, b; ttl 30m; init(args: T) { ... } }
sessionDecl
    : SESSION ident LBRACE sessionMember* RBRACE
    ;

sessionMember
    : sessionReducers
    | sessionTtl
    | sessionInit
    ;

sessionReducers
    : REDUCERS ident (COMMA ident)* COMMA? SEMI
    ;

sessionTtl
    : TTL duration SEMI
    ;

sessionInit
    : INIT params block
    ;

// ( p: T, q: U, )  -- on/async/query/init take at most one; the builder reports TooManyParams.
params
    : LPAREN (param (COMMA param)* COMMA?)? RPAREN
    ;

param
    : ident COLON type
    ;

// A duration is one DURATION token (`250ms`); the other forms (`300x`, `1.5s`, `5 s`, `300`)
// are accepted only to report MalformedDuration.
duration
    : DURATION
    | BAD_NUMBER
    | (INT | FLOAT) ident?
    ;

// ============================================================================================
// Types
// ============================================================================================

// T or T?
type
    : baseType QUESTION?
    ;

baseType
    : LIST LT type GT
    | MAP LT type GT
    | recordType
    | ident                      // int, float, bool, string, any, or a `type` alias
    ;

// { a: T, b: U, }
recordType
    : LBRACE (recordFieldType (COMMA recordFieldType)* COMMA?)? RBRACE
    ;

recordFieldType
    : ident COLON type
    ;

// ============================================================================================
// Statements
// ============================================================================================

block
    : LBRACE stmt* RBRACE
    ;

stmt
    : letStmt
    | ifStmt
    | forStmt
    | returnStmt
    | dispatchStmt
    | exprStmt
    ;

// let x = e;
letStmt
    : LET ident ASSIGN expr SEMI
    ;

// if c { } else if d { } else { }
ifStmt
    : IF expr block (ELSE IF expr block)* (ELSE block)?
    ;

// for x in e { }  |  for k, v in e { }
forStmt
    : FOR ident (COMMA ident)? IN expr block
    ;

// return; | return e;
returnStmt
    : RETURN expr? SEMI
    ;

// dispatch "type"; | dispatch "type"(e);
dispatchStmt
    : DISPATCH STRING (LPAREN expr? RPAREN)? SEMI
    ;

// e;  |  target (= | += | -= | *=) e;   (the checker decides what is assignable)
exprStmt
    : expr (assignOp expr)? SEMI
    ;

assignOp
    : ASSIGN | PLUS_ASSIGN | MINUS_ASSIGN | STAR_ASSIGN
    ;

// ============================================================================================
// Expressions
// ============================================================================================
//
// Precedence, lowest first:
//   c ? a : b (right) | ?? (right) | || | && | == != | < <= > >= | + - | * / % |
//   prefix ! - | await CALL | postfix .field [index] | primary
//
// The binary operators form one flat rule; the AST builder applies the precedence table above
// (it is stated once, in build_expressions.cpp). Every atom thus costs four parse-tree levels
// instead of one per precedence level, which keeps parsing and building fast, and long chains
// never deepen the stack.

// c ? a : b, right-associative: folded from the right by the builder.
expr
    : binary (QUESTION expr COLON binary)*
    ;

// unary (op unary)*, with precedence applied by the builder.
binary
    : unary (binaryOp unary)*
    ;

binaryOp
    : COALESCE | OR | AND | EQ | NE | LT | LE | GT | GE | PLUS | MINUS | STAR | SLASH | PERCENT
    ;

// A flat run of prefix operators, then `await CALL` or a primary with its postfix suffixes.
unary
    : (NOT | MINUS)* (AWAIT call | primary suffix*)
    ;

// .field  [index]
suffix
    : DOT ident
    | LBRACK expr RBRACK
    ;

primary
    : INT | FLOAT | STRING | TRUE | FALSE | NIL
    | listLiteral
    | emptyBraces
    | mapLiteral
    | recordLiteral
    | call
    | ident
    | LPAREN expr RPAREN
    | DURATION | BAD_NUMBER      // not values: reported precisely by the builder
    ;

// [a, b, ]
listLiteral
    : LBRACK (expr (COMMA expr)* COMMA?)? RBRACK
    ;

// {}: an empty map
emptyBraces
    : LBRACE RBRACE
    ;

// { "k": v, }
mapLiteral
    : LBRACE mapEntry (COMMA mapEntry)* COMMA? RBRACE
    ;

mapEntry
    : STRING COLON expr
    ;

// { a: v, }
recordLiteral
    : LBRACE recordEntry (COMMA recordEntry)* COMMA? RBRACE
    ;

recordEntry
    : ident COLON expr
    ;

// f(x), log.info(s): callees are names, never values.
call
    : ident (DOT ident)* LPAREN (expr (COMMA expr)* COMMA?)? RPAREN
    ;

// An identifier, or a soft keyword used as one.
ident
    : IDENT
    | PREFIX | NONE | STATE | ON | WHEN | DEBOUNCE | THROTTLE | EVERY | LATEST | LEADING
    | QUERY | EFFECT | SESSION | REDUCERS | TTL | INIT | TYPE | LIST | MAP
    | INT_TYPE | FLOAT_TYPE | BOOL_TYPE | STRING_TYPE | ANY_TYPE
    ;

hardKeyword
    : REDUCER | FN | ASYNC | LET | IF | ELSE | FOR | IN | RETURN | DISPATCH | AWAIT
    ;

// ============================================================================================
// Lexer
// ============================================================================================

// Hard keywords: never identifiers.
REDUCER  : 'reducer';
FN       : 'fn';
ASYNC    : 'async';
LET      : 'let';
IF       : 'if';
ELSE     : 'else';
FOR      : 'for';
IN       : 'in';
RETURN   : 'return';
DISPATCH : 'dispatch';
AWAIT    : 'await';
TRUE     : 'true';
FALSE    : 'false';
NIL      : 'nil';

// Soft keywords: identifiers wherever a keyword cannot stand (see `ident`).
PREFIX      : 'prefix';
NONE        : 'none';
STATE       : 'state';
ON          : 'on';
WHEN        : 'when';
DEBOUNCE    : 'debounce';
THROTTLE    : 'throttle';
EVERY       : 'every';
LATEST      : 'latest';
LEADING     : 'leading';
QUERY       : 'query';
EFFECT      : 'effect';
SESSION     : 'session';
REDUCERS    : 'reducers';
TTL         : 'ttl';
INIT        : 'init';
TYPE        : 'type';
LIST        : 'list';
MAP         : 'map';
INT_TYPE    : 'int';
FLOAT_TYPE  : 'float';
BOOL_TYPE   : 'bool';
STRING_TYPE : 'string';
ANY_TYPE    : 'any';

// Punctuation and operators. `??` and `->` are single tokens; `>>` is never one, so that
// `list<list<int>>` closes twice.
LBRACE       : '{';
RBRACE       : '}';
LPAREN       : '(';
RPAREN       : ')';
LBRACK       : '[';
RBRACK       : ']';
SEMI         : ';';
COLON        : ':';
COMMA        : ',';
DOT          : '.';
ARROW        : '->';
COALESCE     : '??';
QUESTION     : '?';
PLUS_ASSIGN  : '+=';
MINUS_ASSIGN : '-=';
STAR_ASSIGN  : '*=';
EQ           : '==';
NE           : '!=';
LE           : '<=';
GE           : '>=';
ASSIGN       : '=';
LT           : '<';
GT           : '>';
AND          : '&&';
OR           : '||';
NOT          : '!';
PLUS         : '+';
MINUS        : '-';
STAR         : '*';
SLASH        : '/';
PERCENT      : '%';

// Numbers. DURATION precedes BAD_NUMBER so that `250ms` (same length) is a duration; a number
// glued to any other word (`300x`, `1.5s`, `10px`) is one BAD_NUMBER token, diagnosed later.
DURATION   : DIGITS ('ms' | 's' | 'm' | 'h');
FLOAT      : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT;
INT        : DIGITS;
BAD_NUMBER : DIGITS ('.' DIGITS)? [a-zA-Z_] [a-zA-Z_0-9]*;

IDENT : [a-zA-Z_] [a-zA-Z_0-9]*;

// Strings stay on one line; escapes are checked by the builder (InvalidEscape), so any
// backslash pair lexes here. A string cut by the end of the line or file is its own token.
STRING              : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"';
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '\\'?;

// Comments are kept (hidden) for ast::File::comments and the formatter. A block comment that
// never closes runs to the end of the file as one UNTERMINATED_COMMENT token.
LINE_COMMENT         : '//' ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT        : '/*' (~'*' | '*'+ ~[*/])* '*'+ '/' -> channel(HIDDEN);
UNTERMINATED_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'*;

WS : [ \t\r\n\f]+ -> skip;

// Anything else, one character at a time: reported as InvalidCharacter (or InvalidUtf8).
INVALID_CHAR : .;

fragment DIGITS   : [0-9]+;
fragment EXPONENT : [eE] [+-]? [0-9]+;
