;; A component defining a resource with a destructor, for the component runtime and API tests:
;; make(v) returns an own handle with representation v; peek(h) borrows it and returns rep+1;
;; consume(h) takes it back and drops it (running the destructor); dropped() returns the rep the
;; destructor last saw.
(component
  (core module $Dtor
    (global $dropped (mut i32) (i32.const 0))
    (func (export "dtor") (param i32) (global.set $dropped (local.get 0)))
    (func (export "get-dropped") (result i32) (global.get $dropped)))
  (core instance $d (instantiate $Dtor))
  (type $r (resource (rep i32) (dtor (func $d "dtor"))))
  (core func $new (canon resource.new $r))
  (core func $drop (canon resource.drop $r))
  (core module $M
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
    (func (export "peek") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "consume") (param i32) (call $drop (local.get 0))))
  (core instance $m (instantiate $M (with "" (instance (export "new" (func $new)) (export "drop" (func $drop))))))
  (export $r' "thing" (type $r))
  (func (export "make") (param "v" u32) (result (own $r')) (canon lift (core func $m "make")))
  (func (export "peek") (param "h" (borrow $r')) (result u32) (canon lift (core func $m "peek")))
  (func (export "consume") (param "h" (own $r')) (canon lift (core func $m "consume")))
  (func (export "dropped") (result u32) (canon lift (core func $d "get-dropped")))
)
