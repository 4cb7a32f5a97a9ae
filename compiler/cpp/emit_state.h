// emit_state.h: slice states as native C++ structs (internal to the emitter).
//
// Every slice gets a struct `<Slice>State` deriving from sessproc::SliceValue, with one member
// per state field; every record type inside a state gets a plain struct named after the path
// that first reaches it (`cart.items` holds `CartItemsItem`s, `user.current_user` is a
// `UserCurrentUser`). Members are native where the type allows (support_native.h lists the
// mapping); `any`, and an optional of `any`, stay stdlib::Values. The header declares the
// structs; the source defines their conversions and, per slice, the three functions the slice
// table needs (from a record, to JSON, one field as JSON).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/ir/ir.h"

namespace sessproc::cpp {

class NativeState {
 public:
  explicit NativeState(const ir::Module& module);

  // The C++ type of a value of `type` held in a state ("std::vector<CartItemsItem>").
  std::string spelling(stdlib::TypeRef type) const;
  // The struct of slice `slice` ("CartState") and the member of its field `field`.
  const std::string& state_struct(std::uint32_t slice) const { return states_[slice].name; }
  const std::string& member(std::uint32_t slice, std::uint32_t field) const {
    return states_[slice].members[field];
  }
  // The function returning the shape that a record type's structs share ("" when none does).
  std::string shape_function(stdlib::TypeRef type) const;

  // The struct declarations, for the header (inside the program's namespace).
  std::string declarations() const;
  // The shapes and the to_value/from_value/json_of of every struct, for the source (inside the
  // program's namespace, outside the anonymous one, so that lookup by argument finds them).
  std::string conversions() const;
  // Per slice: NAME_from_record, NAME_to_json, NAME_field_json (in the anonymous namespace).
  std::string slice_functions() const;
  // The statements that put them into a SliceEntry named `slice`.
  std::string slice_entry(std::uint32_t slice) const;

 private:
  struct Struct {
    std::string name;
    stdlib::TypeRef type = 0;  // the record type
    std::vector<std::string> members;
    std::string where;                   // "cart.items[]", for the comment
    std::optional<std::uint32_t> slice;  // set for a slice's state
  };

  void visit(stdlib::TypeRef type, const std::string& name, const std::string& where);
  Struct make_struct(stdlib::TypeRef type, std::string name, std::string where) const;
  std::string unique(std::string name);
  std::string declaration(const Struct& s) const;
  std::string slice_prefix(std::uint32_t slice) const;

  const ir::Module& m_;
  std::vector<Struct> nested_;                           // inner before outer
  std::vector<Struct> states_;                           // by slice
  std::map<stdlib::TypeRef, std::string> record_names_;  // nested record type -> struct
  std::map<stdlib::TypeRef, std::string> shapes_;        // record type -> shape function
  std::vector<std::string> taken_;
};

}  // namespace sessproc::cpp
