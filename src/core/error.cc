#include "diareid/core/error.h"

// The error types are header-only; this unit keeps the library non-empty and
// gives the vtables of the exception classes one home.
namespace diareid {}
