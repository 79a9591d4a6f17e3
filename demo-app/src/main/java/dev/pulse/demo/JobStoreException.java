package dev.pulse.demo;

import java.sql.SQLException;

/** A statement on the jobs table failed; unchecked so each loop's one catch can log it and go on. */
final class JobStoreException extends RuntimeException {

    JobStoreException(String what, SQLException cause) {
        super("jobs table: " + what + ": " + cause.getMessage(), cause);
    }
}
