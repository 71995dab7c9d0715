// zbb/concurrency.hpp - running two independent halves of a computation at once.
#pragma once

#include <exception>
#include <system_error>
#include <thread>

namespace zbb::detail {

/// Whether a computation of about `work` elementary steps should use a second thread: `threads`
/// as the user set it (0 automatic, 1 never, 2 or more when there is a second core to use).
inline bool use_second_thread(unsigned threads, double work) {
    if (threads == 1) return false;
    if (std::thread::hardware_concurrency() < 2 && threads == 0) return false;
    return threads >= 2 || work >= 200'000.0;
}

/// Runs `first` and `second`, concurrently when `parallel`. Both always run to their end; if either
/// throws, the exception of `first` wins, so errors are the same as when run one after the other.
template <class First, class Second>
void run_both(bool parallel, First&& first, Second&& second) {
    if (!parallel) {
        first();
        second();
        return;
    }
    std::exception_ptr second_error;
    std::thread t;
    try {
        t = std::thread([&] {
            try {
                second();
            } catch (...) {
                second_error = std::current_exception();
            }
        });
    } catch (const std::system_error&) {  // no thread to be had: one after the other
        first();
        second();
        return;
    }
    std::exception_ptr first_error;
    try {
        first();
    } catch (...) {
        first_error = std::current_exception();
    }
    t.join();
    if (first_error) std::rethrow_exception(first_error);
    if (second_error) std::rethrow_exception(second_error);
}

}  // namespace zbb::detail
