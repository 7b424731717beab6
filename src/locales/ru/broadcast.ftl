broadcast-usage = Отправьте /broadcast и текст или ответьте командой /broadcast на сообщение, которое нужно разослать всем.
broadcast-confirm = 📣 Это сообщение получат { $count } пользователей. Отправить?
broadcast-send = 📤 Отправить
broadcast-drop = ✖️ Отмена
broadcast-stop = ⏹ Остановить
broadcast-dropped = Рассылка отменена: ничего не отправлено.
broadcast-not-draft = Эта рассылка уже отправлена или отменена.
broadcast-queued = 📣 Рассылка поставлена в очередь для { $count } пользователей. Ход рассылки — здесь.
broadcast-stopping = Останавливаю рассылку…
broadcast-not-running = Сейчас нет активной рассылки.
broadcast-progress =
    📣 Рассылка #{ $id }
    { $bar } { $percent }%
    ✅ Отправлено: { $sent } · 🚫 Заблокировали: { $blocked } · ⚠️ Ошибки: { $failed }
    ⏳ Осталось: { $remaining } · ⚡ { $rate } сообщ./с · ещё около { $eta } с
broadcast-report-done = 📣 Рассылка #{ $id } завершена за { $seconds } с: получили { $sent } из { $total }; заблокировали бота или удалены: { $blocked }; ошибки: { $failed }{ $unknown ->
        [0] {""}
       *[other] ; неизвестно: { $unknown } (Telegram не ответил; повторно не отправлялось)
    }.
broadcast-report-cancelled = 📣 Рассылка #{ $id } остановлена через { $seconds } с: получили { $sent } из { $total }; заблокировали бота или удалены: { $blocked }; ошибки: { $failed }{ $unknown ->
        [0] {""}
       *[other] ; неизвестно: { $unknown } (Telegram не ответил; повторно не отправлялось)
    }; не отправлено: { $remaining }.
