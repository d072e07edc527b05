;; Well-formed text, invalid module: the function returns an i64 where it declares i32.
(module (func (result i32) (i64.const 1)))
