// engine.cpp: LLJIT set-up, host symbols, one ResourceTracker per loaded module.
#include "compiler/jit/engine.h"

#include <atomic>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/Support/ErrorHandling.h>
#include <llvm/Support/TargetSelect.h>

#include "compiler/jit/codegen.h"
#include "compiler/jit/host.h"
#include "stdlib/value.h"

namespace sessproc::jit {
namespace {

// What LLVM's fatal-error handler throws: LLVM would otherwise exit the process.
struct LlvmFatalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void throw_fatal(void*, const char* reason, bool) {
  throw LlvmFatalError(reason);
}

// LLVM's targets and its fatal-error handler are process-wide: set them up once.
void initialise_llvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::install_fatal_error_handler(throw_fatal, nullptr);
  });
}

// Generated code reads Values as a kind byte at offset 0 and a payload at offset 8.
bool value_layout_as_generated() {
  static_assert(sizeof(stdlib::Value) == 16);
  auto bytes = [](const stdlib::Value& v) { return reinterpret_cast<const unsigned char*>(&v); };
  auto at8 = [&](const stdlib::Value& v) {
    std::uint64_t payload;
    std::memcpy(&payload, bytes(v) + 8, 8);
    return payload;
  };
  stdlib::Value nil, flag = stdlib::Value::boolean(true);
  stdlib::Value number = stdlib::Value::integer(0x0102030405060708);
  stdlib::Value real = stdlib::Value::number(1.5);
  double half = 1.5;
  std::uint64_t half_bits;
  std::memcpy(&half_bits, &half, 8);
  return bytes(nil)[0] == 0 && at8(nil) == 0 && bytes(flag)[0] == 1 && bytes(flag)[8] == 1 &&
         bytes(number)[0] == 2 && at8(number) == 0x0102030405060708 && bytes(real)[0] == 3 &&
         at8(real) == half_bits;
}

std::string text(llvm::Error error) {
  return llvm::toString(std::move(error));
}

}  // namespace

struct Engine::Impl {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::atomic<std::uint64_t> next_module{0};
  std::atomic<bool> broken{false};
};

namespace {

class TrackedCode final : public LoadedCode {
 public:
  TrackedCode(std::shared_ptr<Engine> engine, llvm::orc::ResourceTrackerSP tracker,
              std::shared_ptr<llvm::orc::SymbolStringPool> names)
      : engine_(std::move(engine)), tracker_(std::move(tracker)), names_(std::move(names)) {}
  ~TrackedCode() override {
    if (auto error = tracker_->remove()) llvm::consumeError(std::move(error));
    // The pool keeps an interned name until asked to drop the unreferenced ones; every
    // version's names are new (sessproc_m<N>_...), so without this each reload would leave
    // its names behind for good.
    names_->clearDeadEntries();
  }

 private:
  std::shared_ptr<Engine> engine_;  // declared first: destroyed after the tracker
  llvm::orc::ResourceTrackerSP tracker_;
  std::shared_ptr<llvm::orc::SymbolStringPool> names_;
};

}  // namespace

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

std::expected<std::shared_ptr<Engine>, std::string> Engine::create(Options options) {
  if (!value_layout_as_generated()) {
    return std::unexpected("the JIT does not support this build's value layout");
  }
  try {
    initialise_llvm();
    auto machine = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!machine)
      return std::unexpected("cannot target this machine: " + text(machine.takeError()));
    machine->setCodeGenOptLevel(options.optimize ? llvm::CodeGenOpt::Default
                                                 : llvm::CodeGenOpt::None);
    auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*machine)).create();
    if (!jit) return std::unexpected("cannot create the JIT: " + text(jit.takeError()));
    // Errors with no other recipient (e.g. while freeing code) are not worth a crash or a
    // line on stderr; everything that matters is returned by load().
    (*jit)->getExecutionSession().setErrorReporter(
        [](llvm::Error error) { llvm::consumeError(std::move(error)); });
    llvm::orc::SymbolMap symbols;
    auto define = [&](std::string_view name, const void* address) {
      symbols[(*jit)->mangleAndIntern(name)] =
          llvm::JITEvaluatedSymbol(llvm::pointerToJITTargetAddress(address),
                                   llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable);
    };
    for (const HostSymbol& symbol : host_symbols()) define(symbol.name, symbol.address);
    // What LLVM may lower memory intrinsics to.
    define("memset", reinterpret_cast<const void*>(&std::memset));
    define("memcpy", reinterpret_cast<const void*>(&std::memcpy));
    define("memmove", reinterpret_cast<const void*>(&std::memmove));
    if (auto error = (*jit)->getMainJITDylib().define(llvm::orc::absoluteSymbols(symbols))) {
      return std::unexpected("cannot define the host symbols: " + text(std::move(error)));
    }
    auto impl = std::make_unique<Impl>();
    impl->jit = std::move(*jit);
    return std::shared_ptr<Engine>(new Engine(std::move(impl)));
  } catch (const std::exception& e) {
    return std::unexpected(std::string("LLVM failed: ") + e.what());
  }
}

std::expected<std::unique_ptr<LoadedCode>, std::string> Engine::load(
    const ir::Module& ir, const std::vector<std::string>& locations, LoadTimings* timings) {
  if (impl_->broken) {
    return std::unexpected("the JIT engine stopped after an internal LLVM error");
  }
  llvm::orc::LLJIT& jit = *impl_->jit;
  try {
    std::string prefix = "sessproc_m" + std::to_string(impl_->next_module++);
    const auto t0 = std::chrono::steady_clock::now();
    auto generated =
        generate(ir, prefix, locations, jit.getDataLayout(), jit.getTargetTriple().str());
    if (!generated) return std::unexpected(generated.error());
    const auto t1 = std::chrono::steady_clock::now();
    llvm::orc::JITDylib& dylib = jit.getMainJITDylib();
    auto tracker = dylib.createResourceTracker();
    auto code = std::make_unique<TrackedCode>(shared_from_this(), tracker,
                                              jit.getExecutionSession().getSymbolStringPool());
    if (auto error =
            jit.addIRModule(tracker, llvm::orc::ThreadSafeModule(std::move(generated->module),
                                                                 std::move(generated->context)))) {
      return std::unexpected("cannot add the module to the JIT: " + text(std::move(error)));
    }
    // One lookup for every function: the module is compiled once, here.
    llvm::orc::SymbolLookupSet wanted;
    std::vector<llvm::orc::SymbolStringPtr> names;
    for (const std::string& symbol : generated->symbols) {
      names.push_back(jit.mangleAndIntern(symbol));
      wanted.add(names.back());
    }
    auto found = jit.getExecutionSession().lookup(llvm::orc::makeJITDylibSearchOrder(&dylib),
                                                  std::move(wanted));
    if (!found) return std::unexpected("cannot compile the module: " + text(found.takeError()));
    for (const auto& name : names) {
      code->functions.push_back(
          llvm::jitTargetAddressToPointer<void*>((*found)[name].getAddress()));
    }
    if (timings) {
      timings->generate = t1 - t0;
      timings->compile = std::chrono::steady_clock::now() - t1;
    }
    return code;
  } catch (const LlvmFatalError& e) {
    impl_->broken = true;
    return std::unexpected(std::string("LLVM failed: ") + e.what());
  }
}

}  // namespace sessproc::jit
