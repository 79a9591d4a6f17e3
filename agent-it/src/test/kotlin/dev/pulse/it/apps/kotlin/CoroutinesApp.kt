package dev.pulse.it.apps.kotlin

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext

/**
 * Kotlin suspend functions of every compiled shape, timed one call each: a tail call into
 * delay (no state machine), a state machine, a tail call into a state machine, one that throws
 * after a suspension, one that stays suspended for seconds, ones cancelled while suspended;
 * and an internal function, whose name the compiler mangles.
 */
class Suspending {

    /** Compiles to a tail call: delay is handed this function's continuation. */
    suspend fun tail() {
        delay(5)
    }

    /** Compiles to a state machine: entered again on each resumption. */
    suspend fun machine(): Int {
        delay(5)
        return 1
    }

    /** A tail call into a state machine: completes when machine() resumes this one's caller. */
    suspend fun handOn(): Int = machine()

    suspend fun failing() {
        delay(5)
        throw IllegalStateException("failed after a suspension")
    }

    suspend fun slow() {
        delay(4000)
    }

    suspend fun cancelledTail() {
        delay(60_000)
    }

    suspend fun cancelledMachine(): Int {
        delay(60_000)
        return 1
    }

    internal fun audit(value: Int): Int = value + 1
}

fun main(args: Array<String>) = runBlocking {
    val work = Suspending()
    println("app: started")
    repeat(500) { work.tail() }
    repeat(500) { work.machine() }
    repeat(100) { work.handOn() }
    println("app: sequential done")
    coroutineScope {
        repeat(200) { launch(Dispatchers.Default) { work.machine() } }
    }
    println("app: concurrent done")
    try {
        work.failing()
    } catch (expected: IllegalStateException) {
        println("app: failing threw")
    }
    var audits = 0
    repeat(7) { audits = work.audit(audits) }
    println("app: audited $audits")
    val tail = launch { work.cancelledTail() }
    val machine = launch { work.cancelledMachine() }
    delay(200)
    tail.cancel()
    machine.cancel()
    tail.join()
    machine.join()
    println("app: cancelled")
    // The slow call starts when the test is ready to watch it: when the file named by args[0] exists.
    val go = java.io.File(args[0])
    val deadline = System.nanoTime() + 60_000_000_000L
    while (!go.exists() && System.nanoTime() < deadline) {
        delay(20)
    }
    withContext(Dispatchers.Default) {
        println("app: slow call suspended")
        work.slow()
    }
    println("app: slow call returned")
    delay(120_000)
}
