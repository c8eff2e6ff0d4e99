"""The red-team cases of issue #21 and the tests that reproduce each: FAULTS.md lists them
(written with the matrix, `BESEDKA_WRITE_FAULTS=1 pytest tests/faults`), and a check in
`tests/faults/test_cases_listed.py` fails when a listed test no longer exists."""

from __future__ import annotations

#: (number, what broke, test ids "path::function", what is left), in the issue's order.
CASES: tuple[tuple[int, str, tuple[str, ...], str], ...] = (
    (
        1,
        "One long line froze the window (live, at start-up, pasted)",
        (
            "tests/gui/widgets/test_long_lines.py::test_a_streamed_megabyte_line_never_makes_a_long_block_or_a_long_turn",
            "tests/gui/widgets/test_long_lines.py::test_a_stored_megabyte_line_opens_cut_and_show_all_adds_the_rest_a_piece_a_turn",
            "tests/gui/widgets/test_long_lines.py::test_a_pasted_user_line_is_shown_cut_and_its_text_kept",
            "tests/providers/test_stream_limits.py::test_a_50_mb_event_decodes_in_linear_time",
        ),
        "resizing the window while it holds ~1 MB takes one 130–220 ms step",
    ),
    (
        2,
        "An emoji split into lone surrogates broke saving and import",
        (
            "tests/providers/test_stream_limits.py::test_emoji_halves_in_two_events_are_one_emoji",
            "tests/providers/test_stream_limits.py::test_a_lone_half_becomes_a_replacement_character",
            "tests/faults/test_store_files.py::test_lone_surrogates_in_an_import_become_replacement_characters",
            "tests/faults/test_store_files.py::test_the_store_never_raises_unicode_errors_for_lone_surrogates",
        ),
        "",
    ),
    (
        3,
        "A full disk while streaming passed as success",
        (
            "tests/faults/test_store_disk_full.py::test_a_reply_that_cannot_be_saved_is_marked_and_kept_whole",
            "tests/faults/test_store_disk_full.py::test_ask_on_a_full_disk_exits_non_zero",
        ),
        "",
    ),
    (
        4,
        "A damaged data page made every start a traceback",
        (
            "tests/faults/test_store_damage.py::test_a_damaged_history_is_refused_at_open_and_copied_aside_once",
            "tests/faults/test_store_damage.py::test_recover_rebuilds_the_history_from_what_still_reads",
            "tests/faults/test_store_damage.py::test_ask_refuses_to_write_into_a_damaged_history",
        ),
        "the repair dialog at start-up is not driven by a test",
    ),
    (
        5,
        "Text was saved only when a chunk arrived",
        (
            "tests/faults/test_store_pause_kill.py::test_text_streamed_before_a_pause_survives_a_kill_during_it",
        ),
        "",
    ),
    (
        6,
        "`besedka ask` wrote terminal control sequences",
        (
            "tests/gui/cli/test_ask_terminal.py::test_the_reply_on_a_terminal_has_no_control_sequences",
            "tests/gui/cli/test_ask_terminal.py::test_server_error_text_on_a_terminal_is_one_clean_line",
            "tests/gui/cli/test_terminal.py::test_the_clipboard_write_from_the_issue_split_in_two",
        ),
        "",
    ),
    (
        7,
        "Read-only profile or logs, tracebacks, `| head`",
        (
            "tests/faults/test_app_startup.py::test_a_read_only_profile_says_so_in_lines_not_a_traceback",
            "tests/faults/test_app_startup.py::test_a_read_only_logs_folder_still_opens_the_window",
            "tests/gui/cli/test_ask_faults.py::test_a_read_only_profile_is_one_line_each_and_no_traceback",
            "tests/gui/cli/test_ask_faults.py::test_a_closed_pipe_ends_quietly_and_keeps_the_reply_as_it_stands",
        ),
        "",
    ),
    (
        8,
        "The start-up error dialog ignored SIGTERM and SIGINT",
        ("tests/faults/test_app_startup.py::test_the_start_up_error_dialog_ends_on_a_signal",),
        "",
    ),
    (
        9,
        "A damaged presence file was blamed on the history",
        (
            "tests/faults/test_store_damage.py::test_a_damaged_presence_file_nobody_holds_is_made_anew",
            "tests/faults/test_store_damage.py::test_a_damaged_presence_file_someone_holds_is_named_not_the_history",
        ),
        "",
    ),
    (
        10,
        "An endless line grew memory; a trickle never timed out",
        (
            "tests/providers/test_stream_limits.py::test_an_endless_line_is_an_error_not_memory",
            "tests/providers/test_stream_limits.py::test_a_trickling_server_times_out",
        ),
        "",
    ),
    (
        11,
        "A locked keychain read as 'no key', then off for the session",
        (
            "tests/gui/core/test_keychain_locked.py::test_locked_is_told_apart_from_no_key_and_retried_after_unlock",
            "tests/gui/core/test_keychain_locked.py::test_ask_says_the_keychain_is_locked_then_works_once_unlocked",
        ),
        "",
    ),
    (
        12,
        "Opening a link ran xdg-open with the key in its environment",
        (
            "tests/faults/test_app_secrets_env.py::test_a_link_opened_by_the_window_does_not_inherit_the_key",
            "tests/faults/test_app_secrets_env.py::test_ask_uses_the_key_but_its_children_never_see_it",
        ),
        "",
    ),
    (
        13,
        "An export on a full disk destroyed the old file; a FIFO hung",
        (
            "tests/faults/test_store_disk_full.py::test_an_export_on_a_full_disk_keeps_the_old_file",
            "tests/faults/test_store_files.py::test_an_export_to_a_pipe_is_refused_at_once",
        ),
        "",
    ),
    (
        14,
        "Import took `1e300` dates and a 300 MB file",
        (
            "tests/faults/test_store_files.py::test_a_date_no_clock_can_show_is_refused_on_import",
            "tests/faults/test_store_files.py::test_a_file_over_the_limit_is_refused_before_it_is_read",
        ),
        "runs off the GUI thread but cannot be cancelled",
    ),
    (
        15,
        "Simultaneous first opens failed; failed backups left empty files",
        (
            "tests/faults/test_store_first_open.py::test_many_processes_open_one_new_history_at_once",
            "tests/faults/test_store_disk_full.py::test_a_backup_that_fails_on_a_full_disk_leaves_no_file",
        ),
        "",
    ),
    (
        16,
        "A 100,000-message chat sent every message",
        (
            "tests/gui/core/test_context.py::test_a_100000_message_chat_sends_what_fits_and_quickly",
            "tests/gui/test_context_window.py::test_a_long_chat_sends_what_fits_and_the_reply_says_what_it_left_out",
        ),
        "",
    ),
    (
        17,
        "`pip install .` gave an app without translations or icons",
        (
            "tests/faults/test_app_install.py::test_a_non_editable_install_finds_its_translations_and_icons",
        ),
        "",
    ),
)
