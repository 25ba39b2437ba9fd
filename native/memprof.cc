// memprof's optional native addon: exact, GC-immune allocation counting and a cheaper heap read.
//
// JavaScript cannot learn synchronously how much a garbage collection freed (v8.GCProfiler reports at
// stop(), PerformanceObserver later), so a line during which a collection ran looks as if it allocated
// less than it did. Here V8's GC prologue/epilogue callbacks measure each collection and add what it
// freed to counters that JavaScript reads from a shared Int32Array: bytes allocated between two samples
// are then (heap now - heap before) + (freed in between), whatever the collector did.
//
// Counters wrap modulo 2^32 (JavaScript takes differences with `| 0`), so they stay small integers that
// interpreted code never boxes; an unwrapped copy serves totals over long stretches. JavaScript updates
// them too (memprof's own work, collections it forced itself), which is why the epilogue adds to the
// stored values instead of overwriting them.
#include <node.h>
#include <v8.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace {

using v8::ArrayBuffer;
using v8::Context;
using v8::FunctionCallbackInfo;
using v8::GCCallbackFlags;
using v8::GCType;
using v8::HeapSpaceStatistics;
using v8::HeapStatistics;
using v8::Int32Array;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::String;
using v8::Value;

// Layout of the shared counters; mirrored in src/runtime/ledger.ts, which explains their use.
enum Word : int {
  kFreedHeapUsed = 0,      // what collections freed of the program's memory (JS heap)
  kFreedExternal = 1,      // ... of its external memory (ArrayBuffers, Buffers)
  kFreedHeap = 2,          // the sum of both, for the `heap` metric
  kOwnHeapUsed = 3,        // memprof's own work: its allocations minus what collections freed of it
  kOwnExternal = 4,
  kOwnHeap = 5,
  kPendingHeapUsed = 6,    // memprof's allocations since the last collection (its garbage, mostly)
  kPendingExternal = 7,
  kCollectedHeapUsed = 8,  // everything collections freed, the program's and memprof's
  kCollectedExternal = 9,
  kCollections = 10,       // collections seen
  kWordCount = 12,
};

// The spaces where the program's objects live. Code, read-only and shared spaces are left out: they
// change when V8 compiles, not when the program allocates, and reading fewer spaces is cheaper.
const char* const kObjectSpaces[] = {"new_space", "old_space", "large_object_space", "new_large_object_space"};
constexpr int kMaxSpaces = 4;

struct IsolateState {
  // Each counter twice: modulo 2^32 as small integers for the hot path, and unwrapped for totals. The
  // memory is V8's (ArrayBuffer backing stores, held here too): it is freed by V8's own allocator when
  // the isolate goes, which matters for worker threads, after whose end Node may unload this library.
  std::shared_ptr<v8::BackingStore> words_store;
  std::shared_ptr<v8::BackingStore> totals_store;
  int32_t* words = nullptr;
  double* totals = nullptr;
  size_t spaces[kMaxSpaces] = {};
  int space_count = 0;
  int gc_depth = 0;
  size_t heap_before = 0;
  size_t external_before = 0;
};

std::mutex states_mutex;
std::unordered_map<Isolate*, IsolateState*> states;

IsolateState* StateOf(Isolate* isolate) {
  std::lock_guard<std::mutex> lock(states_mutex);
  auto found = states.find(isolate);
  return found == states.end() ? nullptr : found->second;
}

size_t ObjectSpacesUsed(Isolate* isolate, const IsolateState* state) {
  HeapSpaceStatistics space;
  size_t used = 0;
  for (int i = 0; i < state->space_count; i++) {
    if (isolate->GetHeapSpaceStatistics(&space, state->spaces[i])) used += space.space_used_size();
  }
  return used;
}

size_t ExternalMemory(Isolate* isolate) {
  int64_t external = isolate->AdjustAmountOfExternalAllocatedMemory(0);
  return external > 0 ? static_cast<size_t>(external) : 0;
}

void Add(IsolateState* state, int word, double bytes) {
  state->words[word] = static_cast<int32_t>(static_cast<uint32_t>(state->words[word]) + static_cast<uint32_t>(static_cast<int64_t>(bytes)));
  state->totals[word] += bytes;
}

void OnGCPrologue(Isolate* isolate, GCType, GCCallbackFlags, void* data) {
  auto* state = static_cast<IsolateState*>(data);
  if (state->gc_depth++ > 0) return;
  state->heap_before = ObjectSpacesUsed(isolate, state);
  state->external_before = ExternalMemory(isolate);
}

// memprof's garbage (frames, tables) is short-lived: what it allocated since the last collection is
// taken to be the first thing this one freed. What survives is then treated as the program's, so the
// error is bounded by memprof's live objects (kilobytes), never accumulated.
double OwnShare(IsolateState* state, int pending_word, double freed) {
  double pending = state->totals[pending_word];
  double own = pending < freed ? pending : freed;
  if (own < 0) own = 0;
  state->words[pending_word] = 0;
  state->totals[pending_word] = 0;
  return own;
}

void OnGCEpilogue(Isolate* isolate, GCType, GCCallbackFlags, void* data) {
  auto* state = static_cast<IsolateState*>(data);
  if (--state->gc_depth > 0) return;
  if (state->gc_depth < 0) state->gc_depth = 0;
  size_t heap_after = ObjectSpacesUsed(isolate, state);
  size_t external_after = ExternalMemory(isolate);
  double heap_freed = state->heap_before > heap_after ? static_cast<double>(state->heap_before - heap_after) : 0;
  double external_freed =
      state->external_before > external_after ? static_cast<double>(state->external_before - external_after) : 0;
  double own_heap = OwnShare(state, kPendingHeapUsed, heap_freed);
  double own_external = OwnShare(state, kPendingExternal, external_freed);
  Add(state, kFreedHeapUsed, heap_freed - own_heap);
  Add(state, kFreedExternal, external_freed - own_external);
  Add(state, kFreedHeap, heap_freed - own_heap + external_freed - own_external);
  Add(state, kOwnHeapUsed, -own_heap);
  Add(state, kOwnExternal, -own_external);
  Add(state, kOwnHeap, -(own_heap + own_external));
  Add(state, kCollectedHeapUsed, heap_freed);
  Add(state, kCollectedExternal, external_freed);
  Add(state, kCollections, 1);
}

// Returns a byte count as a small integer when it fits (no heap allocation), else as a double.
void ReturnBytes(const FunctionCallbackInfo<Value>& info, size_t bytes) {
  if (bytes <= 0x7fffffff) {
    info.GetReturnValue().Set(static_cast<int32_t>(bytes));
  } else {
    info.GetReturnValue().Set(static_cast<double>(bytes));
  }
}

void ReadHeap(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  auto* state = static_cast<IsolateState*>(info.Data().As<v8::External>()->Value());
  ReturnBytes(info, ObjectSpacesUsed(isolate, state) + ExternalMemory(isolate));
}

void ReadHeapUsed(const FunctionCallbackInfo<Value>& info) {
  auto* state = static_cast<IsolateState*>(info.Data().As<v8::External>()->Value());
  ReturnBytes(info, ObjectSpacesUsed(info.GetIsolate(), state));
}

void ReadExternal(const FunctionCallbackInfo<Value>& info) {
  ReturnBytes(info, ExternalMemory(info.GetIsolate()));
}

// What the fast reads leave out (code, read-only spaces; external strings), so that absolute values
// can be reported as process.memoryUsage() would: [heap, heapUsed, external] offsets in bytes.
void Calibrate(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  auto* state = static_cast<IsolateState*>(info.Data().As<v8::External>()->Value());
  HeapStatistics full;
  isolate->GetHeapStatistics(&full);
  double heap_used = static_cast<double>(ObjectSpacesUsed(isolate, state));
  double external = static_cast<double>(ExternalMemory(isolate));
  double used_offset = static_cast<double>(full.used_heap_size()) - heap_used;
  double external_offset = static_cast<double>(full.external_memory()) - external;
  Local<Context> context = isolate->GetCurrentContext();
  Local<v8::Array> offsets = v8::Array::New(isolate, 3);
  offsets->Set(context, 0, v8::Number::New(isolate, used_offset + external_offset)).Check();
  offsets->Set(context, 1, v8::Number::New(isolate, used_offset)).Check();
  offsets->Set(context, 2, v8::Number::New(isolate, external_offset)).Check();
  info.GetReturnValue().Set(offsets);
}

void ForgetIsolate(void* data) {
  auto* isolate = static_cast<Isolate*>(data);
  IsolateState* state = nullptr;
  {
    std::lock_guard<std::mutex> lock(states_mutex);
    auto found = states.find(isolate);
    if (found == states.end()) return;
    state = found->second;
    states.erase(found);
  }
  isolate->RemoveGCPrologueCallback(OnGCPrologue, state);
  isolate->RemoveGCEpilogueCallback(OnGCEpilogue, state);
  delete state;
}

IsolateState* Attach(Isolate* isolate) {
  IsolateState* state = StateOf(isolate);
  if (state != nullptr) return state;
  state = new IsolateState();
  state->words_store = ArrayBuffer::NewBackingStore(isolate, sizeof(int32_t) * kWordCount);
  state->totals_store = ArrayBuffer::NewBackingStore(isolate, sizeof(double) * kWordCount);
  state->words = static_cast<int32_t*>(state->words_store->Data());
  state->totals = static_cast<double*>(state->totals_store->Data());
  std::memset(state->words, 0, sizeof(int32_t) * kWordCount);
  for (int i = 0; i < kWordCount; i++) state->totals[i] = 0;
  HeapSpaceStatistics space;
  for (size_t index = 0; index < isolate->NumberOfHeapSpaces(); index++) {
    if (!isolate->GetHeapSpaceStatistics(&space, index)) continue;
    for (const char* name : kObjectSpaces) {
      if (std::strcmp(space.space_name(), name) == 0 && state->space_count < kMaxSpaces) {
        state->spaces[state->space_count++] = index;
      }
    }
  }
  {
    std::lock_guard<std::mutex> lock(states_mutex);
    states[isolate] = state;
  }
  isolate->AddGCPrologueCallback(OnGCPrologue, state);
  isolate->AddGCEpilogueCallback(OnGCEpilogue, state);
  // A worker thread's isolate goes away with its environment: stop counting for it then.
  node::AddEnvironmentCleanupHook(isolate, ForgetIsolate, isolate);
  return state;
}

void SetMethod(Local<Context> context, Local<Object> exports, const char* name, v8::FunctionCallback callback,
               Local<Value> data) {
  Isolate* isolate = context->GetIsolate();
  Local<v8::Function> function = v8::FunctionTemplate::New(isolate, callback, data)->GetFunction(context).ToLocalChecked();
  Local<String> key = String::NewFromUtf8(isolate, name).ToLocalChecked();
  function->SetName(key);
  exports->Set(context, key, function).Check();
}

}  // namespace

NODE_MODULE_INIT(/* exports, module, context */) {
  Isolate* isolate = context->GetIsolate();
  IsolateState* state = Attach(isolate);
  Local<Value> data = v8::External::New(isolate, state);
  SetMethod(context, exports, "heap", ReadHeap, data);
  SetMethod(context, exports, "heapUsed", ReadHeapUsed, data);
  SetMethod(context, exports, "external", ReadExternal, data);
  SetMethod(context, exports, "calibrate", Calibrate, data);
  // Views of the state's counters (the backing stores are shared with the state).
  exports->Set(context, String::NewFromUtf8Literal(isolate, "words"),
               Int32Array::New(ArrayBuffer::New(isolate, state->words_store), 0, kWordCount)).Check();
  exports->Set(context, String::NewFromUtf8Literal(isolate, "totals"),
               v8::Float64Array::New(ArrayBuffer::New(isolate, state->totals_store), 0, kWordCount)).Check();
  exports->Set(context, String::NewFromUtf8Literal(isolate, "abi"), v8::Integer::New(isolate, 2)).Check();
}
