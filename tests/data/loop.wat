;; Infinite and bounded loops for --fuel / --timeout (tests/CMakeLists.txt) and the API tests.
(module
  (func (export "_start") (loop $l (br $l)))
  (func (export "spin") (loop $l (br $l)))
  ;; count(n): n iterations; consumes exactly 1 + n units of fuel.
  (func (export "count") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1)))
