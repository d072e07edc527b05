;; The built-in example: factorial, recursive and iterative, with a memory and a table.
(module
  (type $unop (func (param i64) (result i64)))
  (memory (export "memory") 1)
  (table funcref (elem $fac-rec $fac-iter))
  (func $fac-rec (export "fac-rec") (type $unop)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac-rec (i64.sub (local.get 0) (i64.const 1)))))))
  (func $fac-iter (export "fac-iter") (param $n i64) (result i64)
    (local $acc i64)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $again
        (br_if $done (i64.le_u (local.get $n) (i64.const 1)))
        (local.set $acc (i64.mul (local.get $acc) (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $again)))
    (local.get $acc))
  (func (export "fac-indirect") (param i64 i32) (result i64)
    (call_indirect (type $unop) (local.get 0) (local.get 1))))
