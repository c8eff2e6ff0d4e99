<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>App</name>
    <message>
        <source>Repair it now? Everything that still reads is kept in a new history.</source>
        <translation>Восстановить сейчас? Всё, что ещё читается, перейдёт в новую историю.</translation>
    </message>
    <message>
        <source>Repair</source>
        <translation>Восстановить</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выйти</translation>
    </message>
</context>
<context>
    <name>AssistantActions</name>
    <message>
        <source>The chat could not be made.</source>
        <translation>Не удалось создать чат.</translation>
    </message>
    <message>
        <source>New chat with {0}</source>
        <translation>Новый чат с ассистентом «{0}»</translation>
    </message>
    <message>
        <source>The assistants could not be saved: {0}</source>
        <translation>Не удалось сохранить ассистентов: {0}</translation>
    </message>
</context>
<context>
    <name>AssistantsDialog</name>
    <message>
        <source>Assistants</source>
        <translation>Ассистенты</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Название:</translation>
    </message>
    <message>
        <source>Icon:</source>
        <translation>Значок:</translation>
    </message>
    <message>
        <source>System prompt:</source>
        <translation>Системный промпт:</translation>
    </message>
    <message>
        <source>Provider:</source>
        <translation>Провайдер:</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Модель:</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>Температура:</translation>
    </message>
    <message>
        <source>Reply length:</source>
        <translation>Длина ответа:</translation>
    </message>
    <message>
        <source>The one chosen when the chat starts</source>
        <translation>Тот, что выбран, когда чат начинается</translation>
    </message>
    <message>
        <source>The provider&apos;s default</source>
        <translation>Модель провайдера по умолчанию</translation>
    </message>
    <message>
        <source>An emoji, e.g. ✍️</source>
        <translation>Эмодзи, например ✍️</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>Не задано</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Новый</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Копия</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Выше</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Ниже</translation>
    </message>
    <message>
        <source>New assistant</source>
        <translation>Новый ассистент</translation>
    </message>
    <message>
        <source>{0} (copy)</source>
        <translation>{0} (копия)</translation>
    </message>
</context>
<context>
    <name>AttachmentPreview</name>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Открыть</translation>
    </message>
    <message>
        <source>Open {0} in another program</source>
        <translation>Открыть {0} в другой программе</translation>
    </message>
    <message>
        <source>&amp;Save as…</source>
        <translation>&amp;Сохранить как…</translation>
    </message>
    <message>
        <source>Save {0} as…</source>
        <translation>Сохранить {0} как…</translation>
    </message>
    <message>
        <source>Attachment {0}</source>
        <translation>Вложение {0}</translation>
    </message>
    <message>
        <source>Picture {0}</source>
        <translation>Изображение {0}</translation>
    </message>
    <message>
        <source>Scaled to fit the window</source>
        <translation>Уменьшено по размеру окна</translation>
    </message>
    <message>
        <source>Text of {0}</source>
        <translation>Текст {0}</translation>
    </message>
    <message>
        <source>The file&apos;s text, read-only</source>
        <translation>Текст файла, только для чтения</translation>
    </message>
    <message>
        <source>Only the beginning is shown; open or save the file for all.</source>
        <translation>Показано только начало; чтобы увидеть всё, откройте или сохраните файл.</translation>
    </message>
    <message>
        <source>There is no preview for this kind of file.</source>
        <translation>Для файлов такого вида просмотра нет.</translation>
    </message>
    <message>
        <source>Files of this kind are not opened from here; save it instead.</source>
        <translation>Файлы такого вида отсюда не открываются; сохраните файл.</translation>
    </message>
</context>
<context>
    <name>Attachments</name>
    <message>
        <source>{0} B</source>
        <translation>{0} Б</translation>
    </message>
    <message>
        <source>{0} KB</source>
        <translation>{0} КБ</translation>
    </message>
    <message>
        <source>{0} MB</source>
        <translation>{0} МБ</translation>
    </message>
    <message>
        <source>Remove {0}</source>
        <translation>Убрать {0}</translation>
    </message>
    <message>
        <source>Attached: {0}</source>
        <translation>Прикреплено: {0}</translation>
    </message>
    <message>
        <source>{name} is too big to attach (the limit is {limit}).</source>
        <translation>{name} слишком велик, чтобы прикрепить его (предел — {limit}).</translation>
    </message>
    <message>
        <source>{name} cannot be attached: only images, text, code, CSV and PDF files can.</source>
        <translation>{name} нельзя прикрепить: можно только изображения, текст, код, CSV и PDF.</translation>
    </message>
    <message>
        <source>{name} cannot be read; nothing was attached.</source>
        <translation>{name} не читается; ничего не прикреплено.</translation>
    </message>
    <message>
        <source>{name} is empty (0 bytes); nothing was attached.</source>
        <translation>{name} пуст (0 байт); ничего не прикреплено.</translation>
    </message>
    <message>
        <source>{name} is a folder; attach the files in it instead.</source>
        <translation>{name} — это папка; прикрепите файлы из неё.</translation>
    </message>
    <message>
        <source>{name} changed after it was attached. Remove it and attach it again; nothing was sent.</source>
        <translation>{name} изменился после того, как его прикрепили. Уберите его и прикрепите снова; ничего не отправлено.</translation>
    </message>
    <message>
        <source>{model} cannot see images, so nothing was sent. Remove {name} or pick a model that sees images (Settings: “Models that see images” for a compatible service).</source>
        <translation>{model} не видит изображений, поэтому ничего не отправлено. Уберите {name} или выберите модель, которая видит изображения (в настройках совместимого сервиса: «Модели, которые видят изображения»).</translation>
    </message>
    <message>
        <source>GigaChat does not take {name}: its images can be JPEG, PNG, TIFF or BMP. Nothing was sent.</source>
        <translation>GigaChat не принимает {name}: изображения могут быть JPEG, PNG, TIFF или BMP. Ничего не отправлено.</translation>
    </message>
    <message>
        <source>{name} is larger than GigaChat takes ({limit}); nothing was sent.</source>
        <translation>{name} больше, чем принимает GigaChat ({limit}); ничего не отправлено.</translation>
    </message>
    <message>
        <source>GigaChat takes one image a message; remove {name} and send it next. Nothing was sent.</source>
        <translation>GigaChat принимает одно изображение на сообщение; уберите {name} и отправьте его следующим. Ничего не отправлено.</translation>
    </message>
    <message>
        <source>GigaChat takes at most {count} images in a chat; {name} is one too many. Start a new chat for it. Nothing was sent.</source>
        <translation>GigaChat принимает не больше {count} изображений в чате; {name} уже лишнее. Начните для него новый чат. Ничего не отправлено.</translation>
    </message>
    <message>
        <source>With {name} this chat&apos;s images come to more than GigaChat takes ({limit}). Start a new chat for it. Nothing was sent.</source>
        <translation>С {name} изображений в этом чате больше, чем принимает GigaChat ({limit}). Начните для него новый чат. Ничего не отправлено.</translation>
    </message>
    <message>
        <source>{model} is not known to see images: it may refuse {name} or answer without it.</source>
        <translation>Неизвестно, видит ли {model} изображения: модель может отказаться от {name} или ответить без него.</translation>
    </message>
    <message>
        <source>{name} is large for the model&apos;s context (about {tokens} of {context} tokens).</source>
        <translation>{name} велик для контекста модели (около {tokens} из {context} токенов).</translation>
    </message>
    <message>
        <source>{name} is no longer in the history&apos;s folder.</source>
        <translation>{name} больше нет в папке истории.</translation>
    </message>
    <message>
        <source>Saved {name} to {path}.</source>
        <translation>{name} сохранён: {path}.</translation>
    </message>
    <message>
        <source>{name} could not be saved: {reason}</source>
        <translation>Не удалось сохранить {name}: {reason}</translation>
    </message>
    <message>
        <source>Preview {0}</source>
        <translation>Просмотреть {0}</translation>
    </message>
</context>
<context>
    <name>ChatController</name>
    <message>
        <source>Sent, but no reply could be started: {0}</source>
        <translation>Отправлено, но ответ начать не удалось: {0}</translation>
    </message>
    <message>
        <source>Not sent: {0}</source>
        <translation>Не отправлено: {0}</translation>
    </message>
    <message>
        <source>Waiting for {0}…</source>
        <translation>Ожидание ответа от {0}…</translation>
    </message>
    <message>
        <source>Streaming: ~{0:.0f} tokens/s</source>
        <translation>Идёт ответ: ~{0:.0f} токенов/с</translation>
    </message>
    <message>
        <source>{0}: failed</source>
        <translation>{0}: ошибка</translation>
    </message>
    <message>
        <source>{0}: stopped</source>
        <translation>{0}: остановлено</translation>
    </message>
    <message>
        <source>{0}: not saved</source>
        <translation>{0}: не сохранено</translation>
    </message>
    <message>
        <source>{0}: {1} tokens ({2} prompt + {3} reply)</source>
        <translation>{0}: токенов — {1} (запрос {2} + ответ {3})</translation>
    </message>
    <message>
        <source>{0} of the prompt from the cache.</source>
        <translation>Из них {0} в запросе — из кеша.</translation>
    </message>
    <message>
        <source>{0}: done</source>
        <translation>{0}: готово</translation>
    </message>
    <message>
        <source>The tool choice was not saved: {0}</source>
        <translation>Выбор инструментов не сохранён: {0}</translation>
    </message>
    <message>
        <source>Running {0} on {1}…</source>
        <translation>Выполняется {0} на {1}…</translation>
    </message>
    <message>
        <source>Allow {0} ({1})? Answer on its card.</source>
        <translation>Разрешить {0} ({1})? Ответьте на карточке вызова.</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Conversation</source>
        <translation>Разговор</translation>
    </message>
    <message>
        <source>Scroll to the newest message (End)</source>
        <translation>К последнему сообщению (End)</translation>
    </message>
    <message>
        <source>Scroll to the newest message</source>
        <translation>К последнему сообщению</translation>
    </message>
    <message>
        <source>Messages of the open conversation. Tab moves through each message&apos;s actions (Copy, Regenerate, Edit, Delete), shown as buttons under the message the mouse or keyboard is on; Enter does the one selected. A message with other versions starts that line with ‹ and ›, which switch versions. A reply the model thought over first starts with a Thinking link, which shows or hides its reasoning.</source>
        <translation>Сообщения открытого чата. Tab переходит по действиям каждого сообщения (Копировать, Повторить, Изменить, Удалить) — это кнопки под сообщением, на котором мышь или клавиатура; Enter выполняет выбранное. Эта строка у сообщения с другими версиями начинается с ‹ и ›: они переключают версии. Ответ, над которым модель сначала размышляла, начинается со ссылки «Размышления»: она показывает и скрывает рассуждения.</translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation>Размышления</translation>
    </message>
    <message>
        <source>Message text</source>
        <translation>Текст сообщения</translation>
    </message>
    <message>
        <source>You</source>
        <translation>Вы</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>Системный промпт</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>Ассистент</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>Предыдущая версия</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>Следующая версия</translation>
    </message>
    <message>
        <source>Version {0} of {1}</source>
        <translation>Версия {0} из {1}</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Остановлено.</translation>
    </message>
    <message>
        <source>Interrupted: the app closed while this reply streamed.</source>
        <translation>Прервано: приложение закрылось, пока шёл ответ.</translation>
    </message>
    <message>
        <source>Cut off at the reply length limit.</source>
        <translation>Ответ оборван: достигнут предел его длины.</translation>
    </message>
    <message>
        <source>Older messages not sent: {0}. They do not fit the model&apos;s context (the limit is in Parameters).</source>
        <translation>Не отправлены более ранние сообщения: {0}. Они не помещаются в контекст модели (предел задаётся в «Параметрах»).</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <source>Copy the message</source>
        <translation>Скопировать сообщение</translation>
    </message>
    <message>
        <source>Ask again: the new reply becomes another version</source>
        <translation>Спросить ещё раз: новый ответ станет другой версией</translation>
    </message>
    <message>
        <source>Edit and send again: the old text stays as a version</source>
        <translation>Изменить и отправить заново: прежний текст останется версией</translation>
    </message>
    <message>
        <source>Delete branch</source>
        <translation>Удалить ветку</translation>
    </message>
    <message>
        <source>Delete this version and everything that follows it</source>
        <translation>Удалить эту версию и всё, что идёт после неё</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Сгенерировать заново</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Продолжить</translation>
    </message>
    <message>
        <source>Ask the model to go on from where this reply ends</source>
        <translation>Попросить модель продолжить с того места, где ответ оборвался</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Изменить</translation>
    </message>
    <message>
        <source>New chat from here</source>
        <translation>Новый чат отсюда</translation>
    </message>
    <message>
        <source>Start a new chat with the messages up to this one</source>
        <translation>Начать новый чат с сообщениями до этого включительно</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Showing the first {0} of {1} characters.</source>
        <translation>Показано символов: {0} из {1}.</translation>
    </message>
    <message>
        <source>Show all ({0})</source>
        <translation>Показать всё ({0})</translation>
    </message>
    <message>
        <source>Show the rest of this message here</source>
        <translation>Показать здесь остаток сообщения</translation>
    </message>
    <message>
        <source>Open as text</source>
        <translation>Открыть как текст</translation>
    </message>
    <message>
        <source>Read the whole message in a plain text window</source>
        <translation>Прочитать всё сообщение в окне простого текста</translation>
    </message>
    <message>
        <source>{0} s</source>
        <translation>{0} с</translation>
    </message>
    <message>
        <source>{0} min {1} s</source>
        <translation>{0} мин {1} с</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>Размышляет…</translation>
    </message>
    <message>
        <source>Thinking · {0}</source>
        <translation>Размышления · {0}</translation>
    </message>
    <message>
        <source>Hide the model&apos;s reasoning</source>
        <translation>Скрыть рассуждения модели</translation>
    </message>
    <message>
        <source>Show the model&apos;s reasoning</source>
        <translation>Показать рассуждения модели</translation>
    </message>
    <message>
        <source>{0} more characters</source>
        <translation>ещё символов: {0}</translation>
    </message>
    <message>
        <source>You denied this call; the model was told so.</source>
        <translation>Вы отклонили этот вызов; модели об этом сообщено.</translation>
    </message>
    <message>
        <source>Stopped before the call ended.</source>
        <translation>Остановлено до конца вызова.</translation>
    </message>
    <message>
        <source>The tool server stopped during the call.</source>
        <translation>Сервер инструментов остановился во время вызова.</translation>
    </message>
    <message>
        <source>The tool did not answer in time.</source>
        <translation>Инструмент не ответил вовремя.</translation>
    </message>
    <message>
        <source>The tool server could not start.</source>
        <translation>Сервер инструментов не запустился.</translation>
    </message>
    <message>
        <source>The tool reported an error.</source>
        <translation>Инструмент сообщил об ошибке.</translation>
    </message>
    <message>
        <source>The model called a tool that does not exist.</source>
        <translation>Модель вызвала несуществующий инструмент.</translation>
    </message>
    <message>
        <source>The model&apos;s arguments were not valid JSON.</source>
        <translation>Аргументы модели — не корректный JSON.</translation>
    </message>
    <message>
        <source>The call failed.</source>
        <translation>Вызов не удался.</translation>
    </message>
    <message>
        <source>its program was not found</source>
        <translation>его программа не найдена</translation>
    </message>
    <message>
        <source>its program may not be run</source>
        <translation>его программу нельзя запустить</translation>
    </message>
    <message>
        <source>its program could not be run</source>
        <translation>его программа не запустилась</translation>
    </message>
    <message>
        <source>it did not answer in time</source>
        <translation>он не ответил вовремя</translation>
    </message>
    <message>
        <source>it did not answer as an MCP server</source>
        <translation>он ответил не как MCP-сервер</translation>
    </message>
    <message>
        <source>Tool server {0} did not start: {1}.</source>
        <translation>Сервер инструментов {0} не запустился: {1}.</translation>
    </message>
    <message>
        <source>Tool {0} on {1}</source>
        <translation>Инструмент {0} на сервере {1}</translation>
    </message>
    <message>
        <source>Run this tool?</source>
        <translation>Запустить этот инструмент?</translation>
    </message>
    <message>
        <source>Allow once</source>
        <translation>Разрешить один раз</translation>
    </message>
    <message>
        <source>Always allow this tool in this chat</source>
        <translation>Всегда разрешать в этом чате</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>Отклонить</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>Выполняется…</translation>
    </message>
    <message>
        <source>Hide result</source>
        <translation>Скрыть результат</translation>
    </message>
    <message>
        <source>Show result</source>
        <translation>Показать результат</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Type a message…</source>
        <translation>Напишите сообщение…</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Сообщение</translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line</source>
        <translation>Enter отправляет, Shift+Enter начинает новую строку</translation>
    </message>
    <message>
        <source>Attach files (or drop them here, or paste an image)</source>
        <translation>Прикрепить файлы (или перетащите их сюда, или вставьте изображение)</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>Прикрепить файлы</translation>
    </message>
    <message>
        <source>Images, text, code, CSV or PDF files go with the message</source>
        <translation>Изображения, текст, код, CSV или PDF уйдут вместе с сообщением</translation>
    </message>
    <message>
        <source>The text is too long to send ({0} characters; the limit is {1}). Attach less, or split it.</source>
        <translation>Текст слишком длинный для отправки (символов: {0}, предел: {1}). Вставьте меньше или разбейте его на части.</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <source>New chat</source>
        <translation>Новый чат</translation>
    </message>
    <message>
        <source>Start a new conversation</source>
        <translation>Начать новый разговор</translation>
    </message>
    <message>
        <source>New folder</source>
        <translation>Новая папка</translation>
    </message>
    <message>
        <source>Make a folder for chats</source>
        <translation>Создать папку для чатов</translation>
    </message>
    <message>
        <source>Search all chats</source>
        <translation>Поиск по всем чатам</translation>
    </message>
    <message>
        <source>Type to find messages in every conversation; the list shows the hits</source>
        <translation>Введите текст, чтобы найти сообщения во всех разговорах; найденное появится в списке</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Разговоры</translation>
    </message>
    <message>
        <source>Folders, pinned, then newest. Arrow keys open a conversation; F2 renames it, Delete removes it, Ctrl+Shift+M moves it to a folder, the context menu key shows more. On a folder, Enter opens or closes it.</source>
        <translation>Папки, закреплённые, затем новые. Стрелки открывают разговор; F2 переименовывает, Delete удаляет, Ctrl+Shift+M перемещает в папку, клавиша контекстного меню показывает остальное. На папке Enter открывает или закрывает её.</translation>
    </message>
    <message>
        <source>Move to folder…</source>
        <translation>Переместить в папку…</translation>
    </message>
    <message>
        <source>Search in “{0}”</source>
        <translation>Искать в «{0}»</translation>
    </message>
    <message>
        <source>In “{0}” ✕</source>
        <translation>В «{0}» ✕</translation>
    </message>
    <message>
        <source>Search every chat again</source>
        <translation>Снова искать во всех чатах</translation>
    </message>
    <message>
        <source>Searching in the folder “{0}”; press to search every chat</source>
        <translation>Поиск в папке «{0}»; нажмите, чтобы искать во всех чатах</translation>
    </message>
    <message>
        <source>Rename chat</source>
        <translation>Переименовать чат</translation>
    </message>
    <message>
        <source>Delete chat</source>
        <translation>Удалить чат</translation>
    </message>
    <message>
        <source>{0}, pinned</source>
        <translation>{0}, закреплён</translation>
    </message>
    <message>
        <source>Pinned</source>
        <translation>Закреплённые</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>Папки</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Вчера</translation>
    </message>
    <message>
        <source>Previous 7 days</source>
        <translation>Последние 7 дней</translation>
    </message>
    <message>
        <source>Previous 30 days</source>
        <translation>Последние 30 дней</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>закрыта</translation>
    </message>
    <message>
        <source>open</source>
        <translation>открыта</translation>
    </message>
    <message>
        <source>Folder {0}, chats: {1}, {2}</source>
        <translation>Папка {0}, чатов: {1}, {2}</translation>
    </message>
    <message>
        <source>Nothing found</source>
        <translation>Ничего не найдено</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Переименовать…</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>Открепить</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>Закрепить</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Экспортировать…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Удалить…</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>Название:</translation>
    </message>
    <message>
        <source>Delete “{0}” and all its messages?</source>
        <translation>Удалить «{0}» со всеми сообщениями?</translation>
    </message>
    <message>
        <source>Move to folder</source>
        <translation>Переместить в папку</translation>
    </message>
    <message>
        <source>New folder…</source>
        <translation>Новая папка…</translation>
    </message>
    <message>
        <source>Remove from folder</source>
        <translation>Убрать из папки</translation>
    </message>
    <message>
        <source>Rename folder…</source>
        <translation>Переименовать папку…</translation>
    </message>
    <message>
        <source>Search in this folder</source>
        <translation>Искать в этой папке</translation>
    </message>
    <message>
        <source>Delete folder…</source>
        <translation>Удалить папку…</translation>
    </message>
    <message>
        <source>Folder name:</source>
        <translation>Название папки:</translation>
    </message>
    <message>
        <source>Rename folder</source>
        <translation>Переименовать папку</translation>
    </message>
    <message>
        <source>Delete folder</source>
        <translation>Удалить папку</translation>
    </message>
    <message>
        <source>Delete the folder “{0}”? Its chats stay, outside any folder.</source>
        <translation>Удалить папку «{0}»? Её чаты останутся, вне папок.</translation>
    </message>
    <message>
        <source>No folder</source>
        <translation>Без папки</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>Папка:</translation>
    </message>
    <message>
        <source>More</source>
        <translation>Ещё</translation>
    </message>
    <message>
        <source>More: rename, search in it, delete</source>
        <translation>Ещё: переименовать, искать в ней, удалить</translation>
    </message>
    <message>
        <source>More: rename, pin, move to folder, export, delete</source>
        <translation>Ещё: переименовать, закрепить, переместить в папку, экспортировать, удалить</translation>
    </message>
</context>
<context>
    <name>EditBanner</name>
    <message>
        <source>Enter sends it as a new version</source>
        <translation>Enter отправит его как новую версию</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Cancel editing</source>
        <translation>Отменить изменение</translation>
    </message>
    <message>
        <source>Stop editing and get back what you typed before (Esc)</source>
        <translation>Прекратить изменение и вернуть набранный ранее текст (Esc)</translation>
    </message>
    <message>
        <source>Editing: {0}</source>
        <translation>Изменение: {0}</translation>
    </message>
</context>
<context>
    <name>EmptyChatPanel</name>
    <message>
        <source>Explain something</source>
        <translation>Объяснить</translation>
    </message>
    <message>
        <source>in simple words, with an example</source>
        <translation>простыми словами, с примером</translation>
    </message>
    <message>
        <source>Explain in simple words, with an example: </source>
        <translation>Объясни простыми словами, с примером: </translation>
    </message>
    <message>
        <source>Draft a message</source>
        <translation>Написать письмо</translation>
    </message>
    <message>
        <source>short, clear and polite</source>
        <translation>коротко, ясно и вежливо</translation>
    </message>
    <message>
        <source>Write a short, polite message to </source>
        <translation>Напиши короткое вежливое сообщение для </translation>
    </message>
    <message>
        <source>Review code</source>
        <translation>Проверить код</translation>
    </message>
    <message>
        <source>find bugs and suggest fixes</source>
        <translation>найти ошибки и предложить исправления</translation>
    </message>
    <message>
        <source>Review this code, find bugs and suggest fixes:

</source>
        <translation>Проверь этот код, найди ошибки и предложи исправления:

</translation>
    </message>
    <message>
        <source>Make a plan</source>
        <translation>Составить план</translation>
    </message>
    <message>
        <source>step by step, with the first steps</source>
        <translation>по шагам, с первыми шагами</translation>
    </message>
    <message>
        <source>Make a step-by-step plan for </source>
        <translation>Составь пошаговый план: </translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Новый чат</translation>
    </message>
    <message>
        <source>{0} answers here. Ask anything, or start with one of these:</source>
        <translation>Здесь отвечает {0}. Спросите что угодно или начните с одного из вариантов:</translation>
    </message>
    <message>
        <source>Ask anything, or start with one of these:</source>
        <translation>Спросите что угодно или начните с одного из вариантов:</translation>
    </message>
    <message>
        <source>Puts the start of a question in the message box</source>
        <translation>Вставляет начало вопроса в поле ввода</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>there is no message to send</source>
        <translation>нет сообщения для отправки</translation>
    </message>
    <message>
        <source>unknown option &apos;{option}&apos;</source>
        <translation>неизвестный параметр «{option}»</translation>
    </message>
    <message>
        <source>option &apos;{option}&apos; has the wrong type</source>
        <translation>у параметра «{option}» неверный тип</translation>
    </message>
    <message>
        <source>HTTP {status}</source>
        <translation>HTTP {status}</translation>
    </message>
    <message>
        <source>access denied</source>
        <translation>доступ запрещён</translation>
    </message>
    <message>
        <source>request too large</source>
        <translation>слишком большой запрос</translation>
    </message>
    <message>
        <source>the server reported an error</source>
        <translation>сервер сообщил об ошибке</translation>
    </message>
    <message>
        <source>the CA certificate text is not valid</source>
        <translation>текст сертификата CA неверен</translation>
    </message>
    <message>
        <source>cannot read the CA file {path}</source>
        <translation>не удалось прочитать файл CA {path}</translation>
    </message>
    <message>
        <source>TLS certificate of {host} is not trusted</source>
        <translation>TLS-сертификат {host} не признан доверенным</translation>
    </message>
    <message>
        <source>TLS failed</source>
        <translation>сбой TLS</translation>
    </message>
    <message>
        <source>cannot resolve host {host}</source>
        <translation>не удалось найти адрес узла {host}</translation>
    </message>
    <message>
        <source>cannot connect to the proxy {host}:{port}</source>
        <translation>не удалось подключиться к прокси {host}:{port}</translation>
    </message>
    <message>
        <source>cannot connect to {host}:{port}</source>
        <translation>не удалось подключиться к {host}:{port}</translation>
    </message>
    <message>
        <source>the server did not answer in time</source>
        <translation>сервер не ответил вовремя</translation>
    </message>
    <message>
        <source>the connection closed mid-answer</source>
        <translation>соединение закрылось посреди ответа</translation>
    </message>
    <message>
        <source>invalid URL {url}</source>
        <translation>неверный адрес {url}</translation>
    </message>
    <message>
        <source>network error: {type}</source>
        <translation>сетевая ошибка: {type}</translation>
    </message>
    <message>
        <source>unsupported proxy type {scheme}://, use an http:// or https:// proxy</source>
        <translation>тип прокси {scheme}:// не поддерживается, укажите прокси http:// или https://</translation>
    </message>
    <message>
        <source>malformed data in the stream</source>
        <translation>искажённые данные в потоке</translation>
    </message>
    <message>
        <source>malformed data in the answer</source>
        <translation>искажённые данные в ответе</translation>
    </message>
    <message>
        <source>unexpected data in the answer</source>
        <translation>неожиданные данные в ответе</translation>
    </message>
    <message>
        <source>the answer stopped before it was complete</source>
        <translation>ответ прервался, не завершившись</translation>
    </message>
    <message>
        <source>the answer was cut before its end</source>
        <translation>ответ оборвался до конца</translation>
    </message>
    <message>
        <source>the server sent an error instead of an answer</source>
        <translation>сервер прислал ошибку вместо ответа</translation>
    </message>
    <message>
        <source>expected an event stream, got {content_type}</source>
        <translation>ожидался поток событий, а пришло {content_type}</translation>
    </message>
    <message>
        <source>expected an event stream, got no content type</source>
        <translation>ожидался поток событий, а тип содержимого не указан</translation>
    </message>
    <message>
        <source>an answer without choices</source>
        <translation>ответ без вариантов</translation>
    </message>
    <message>
        <source>the answer is not a JSON object</source>
        <translation>ответ — не объект JSON</translation>
    </message>
    <message>
        <source>a stream item is not a JSON object</source>
        <translation>элемент потока — не объект JSON</translation>
    </message>
    <message>
        <source>the answer has no message content</source>
        <translation>в ответе нет текста сообщения</translation>
    </message>
    <message>
        <source>the service rewrote text it had already sent</source>
        <translation>сервис переписал уже отправленный текст</translation>
    </message>
    <message>
        <source>the model list has no data</source>
        <translation>в списке моделей нет данных</translation>
    </message>
    <message>
        <source>the model list is not in the OpenAI format</source>
        <translation>список моделей не в формате OpenAI</translation>
    </message>
    <message>
        <source>no key is set</source>
        <translation>ключ не задан</translation>
    </message>
    <message>
        <source>no authorization key; set it in Settings or {variable}</source>
        <translation>нет ключа авторизации; задайте его в настройках или в {variable}</translation>
    </message>
    <message>
        <source>authorization failed</source>
        <translation>авторизация не удалась</translation>
    </message>
    <message>
        <source>authorization failed (paste the Authorization key, not the Client Secret)</source>
        <translation>авторизация не удалась (вставьте ключ авторизации, а не Client Secret)</translation>
    </message>
    <message>
        <source>the OAuth server sent no token</source>
        <translation>сервер OAuth не прислал токен</translation>
    </message>
    <message>
        <source>option &apos;{option}&apos; has a value the service does not take</source>
        <translation>у параметра «{option}» значение, которое сервис не принимает</translation>
    </message>
    <message>
        <source>the server closed the connection before answering</source>
        <translation>сервер закрыл соединение, не ответив</translation>
    </message>
    <message>
        <source>the server kept the stream open without sending a complete line for {seconds} s</source>
        <translation>сервер держал поток открытым {seconds} с, не прислав ни одной целой строки</translation>
    </message>
    <message>
        <source>a line of the stream is longer than {limit_mb} MB</source>
        <translation>строка потока длиннее {limit_mb} МБ</translation>
    </message>
    <message>
        <source>no access token; set it in Settings or {variable}</source>
        <translation>нет токена доступа; укажите его в настройках или в {variable}</translation>
    </message>
    <message>
        <source>no user name and password; set them in Settings or {user_variable} and {password_variable}</source>
        <translation>нет имени пользователя и пароля; укажите их в настройках или в {user_variable} и {password_variable}</translation>
    </message>
    <message>
        <source>no client certificate; set it in Settings or {variable}</source>
        <translation>нет клиентского сертификата; укажите его в настройках или в {variable}</translation>
    </message>
    <message>
        <source>the access token was refused (expired or wrong)</source>
        <translation>токен доступа отклонён (истёк или неверен)</translation>
    </message>
    <message>
        <source>the user name or password was refused</source>
        <translation>имя пользователя или пароль отклонены</translation>
    </message>
    <message>
        <source>the client certificate was refused</source>
        <translation>клиентский сертификат отклонён</translation>
    </message>
    <message>
        <source>cannot read the client certificate or key {path}</source>
        <translation>не удалось прочитать клиентский сертификат или ключ {path}</translation>
    </message>
    <message>
        <source>the client certificate or its key is not valid</source>
        <translation>клиентский сертификат или его ключ недействителен</translation>
    </message>
    <message>
        <source>the service refused the anonymous login</source>
        <translation>сервис отклонил анонимный вход</translation>
    </message>
    <message>
        <source>the service refused the question (no free quota left?)</source>
        <translation>сервис отклонил вопрос (закончилась бесплатная квота?)</translation>
    </message>
    <message>
        <source>the request failed</source>
        <translation>запрос не удался</translation>
    </message>
    <message>
        <source>the service refused the credentials</source>
        <translation>сервис отклонил учётные данные</translation>
    </message>
    <message>
        <source>too many requests</source>
        <translation>слишком много запросов</translation>
    </message>
    <message>
        <source>the service refused the request</source>
        <translation>сервис отклонил запрос</translation>
    </message>
    <message>
        <source>the model or the address was not found</source>
        <translation>модель или адрес не найдены</translation>
    </message>
    <message>
        <source>the service failed</source>
        <translation>сбой сервиса</translation>
    </message>
    <message>
        <source>the answer broke off</source>
        <translation>ответ оборвался</translation>
    </message>
    <message>
        <source>cannot connect</source>
        <translation>не удалось подключиться</translation>
    </message>
    <message>
        <source>the server&apos;s certificate is not trusted</source>
        <translation>сертификат сервера не признан доверенным</translation>
    </message>
    <message>
        <source>the server stopped answering</source>
        <translation>сервер перестал отвечать</translation>
    </message>
    <message>
        <source>the service refused the signed request</source>
        <translation>сервис отклонил подписанный запрос</translation>
    </message>
    <message>
        <source>the service refused the anonymous session</source>
        <translation>сервис отклонил анонимный сеанс</translation>
    </message>
    <message>
        <source>the model did not take the image</source>
        <translation>модель не приняла изображение</translation>
    </message>
    <message>
        <source>Try again later.</source>
        <translation>Попробуйте позже.</translation>
    </message>
    <message>
        <source>Add a key in Settings.</source>
        <translation>Добавьте ключ в настройках.</translation>
    </message>
    <message>
        <source>Check the key and scope in Settings.</source>
        <translation>Проверьте ключ и область доступа (scope) в настройках.</translation>
    </message>
    <message>
        <source>Wait a little and retry.</source>
        <translation>Подождите немного и повторите.</translation>
    </message>
    <message>
        <source>Change the request (shorter text, other parameters) and retry.</source>
        <translation>Измените запрос (короче текст, другие параметры) и повторите.</translation>
    </message>
    <message>
        <source>Pick another model or check the base URL in Settings.</source>
        <translation>Выберите другую модель или проверьте базовый адрес в настройках.</translation>
    </message>
    <message>
        <source>The service has a problem; try again later.</source>
        <translation>У сервиса неполадки; попробуйте позже.</translation>
    </message>
    <message>
        <source>The answer was cut or malformed; the text so far is kept. Retry.</source>
        <translation>Ответ оборвался или пришёл искажённым; полученный текст сохранён. Повторите запрос.</translation>
    </message>
    <message>
        <source>Check the connection, the proxy and the base URL in Settings.</source>
        <translation>Проверьте подключение, прокси и базовый адрес в настройках.</translation>
    </message>
    <message>
        <source>The server&apos;s TLS certificate is not trusted; add its CA file in Settings.</source>
        <translation>TLS-сертификат сервера не признан доверенным; добавьте файл его удостоверяющего центра (CA) в настройках.</translation>
    </message>
    <message>
        <source>The server stopped answering; retry, or raise the timeout in Settings.</source>
        <translation>Сервер перестал отвечать; повторите или увеличьте тайм-аут в настройках.</translation>
    </message>
    <message>
        <source>The server&apos;s TLS certificate is not trusted; check the base URL in Settings.</source>
        <translation>TLS-сертификат сервера не признан доверенным; проверьте базовый адрес в настройках.</translation>
    </message>
    <message>
        <source>The service refused the signed request; check the computer&apos;s clock and the base URL in Settings.</source>
        <translation>Сервис отклонил подписанный запрос; проверьте часы компьютера и базовый адрес в настройках.</translation>
    </message>
    <message>
        <source>The service refused the anonymous session; retry later or pick another provider.</source>
        <translation>Сервис отклонил анонимный сеанс; повторите позже или выберите другого провайдера.</translation>
    </message>
    <message>
        <source>It may not see images: remove the image and retry, or pick a model that sees them (Settings: “Models that see images” for a compatible service).</source>
        <translation>Возможно, она не видит изображений: уберите изображение и повторите или выберите модель, которая их видит (в настройках совместимого сервиса: «Модели, которые видят изображения»).</translation>
    </message>
    <message>
        <source>Retry in {retry_after} s.</source>
        <translation>Повторите через {retry_after} с.</translation>
    </message>
    <message>
        <source>Internal error ({type}); the text so far is kept.</source>
        <translation>Внутренняя ошибка ({type}); полученный текст сохранён.</translation>
    </message>
    <message>
        <source>{provider}: the keychain is locked; unlock it and retry.</source>
        <translation>{provider}: связка ключей заблокирована; разблокируйте её и повторите.</translation>
    </message>
    <message>
        <source>{provider}: the keychain could not be read; retry, or check it.</source>
        <translation>{provider}: не удалось прочитать связку ключей; повторите или проверьте её.</translation>
    </message>
    <message>
        <source>{provider}: cannot start ({type}); check its Settings.</source>
        <translation>{provider}: не удалось запустить ({type}); проверьте его настройки.</translation>
    </message>
    <message>
        <source>The history could not save the end of this reply; the text shown may be lost.</source>
        <translation>История не смогла сохранить конец этого ответа; показанный текст может пропасть.</translation>
    </message>
</context>
<context>
    <name>FileEditor</name>
    <message>
        <source>Browse…</source>
        <translation>Обзор…</translation>
    </message>
    <message>
        <source>Browse for {0}</source>
        <translation>Выбрать файл для поля «{0}»</translation>
    </message>
    <message>
        <source>Choose {0}</source>
        <translation>Выбор файла: {0}</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>Сертификаты (*.pem *.crt *.cer);;Все файлы (*)</translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <source>Find in this chat</source>
        <translation>Найти в этом чате</translation>
    </message>
    <message>
        <source>Enter goes to the next match, Shift+Enter to the previous one, Esc closes</source>
        <translation>Enter — к следующему совпадению, Shift+Enter — к предыдущему, Esc закрывает</translation>
    </message>
    <message>
        <source>Previous match</source>
        <translation>Предыдущее совпадение</translation>
    </message>
    <message>
        <source>Next match</source>
        <translation>Следующее совпадение</translation>
    </message>
    <message>
        <source>Close find</source>
        <translation>Закрыть поиск</translation>
    </message>
    <message>
        <source>No matches</source>
        <translation>Нет совпадений</translation>
    </message>
    <message>
        <source>{0} of {1}</source>
        <translation>{0} из {1}</translation>
    </message>
</context>
<context>
    <name>FolderActions</name>
    <message>
        <source>That folder or chat is gone</source>
        <translation>Этой папки или чата больше нет</translation>
    </message>
    <message>
        <source>Cannot change the folders: {0}</source>
        <translation>Не удалось изменить папки: {0}</translation>
    </message>
</context>
<context>
    <name>HistoryActions</name>
    <message>
        <source>Cannot export to {0}: {1}</source>
        <translation>Не удалось экспортировать в {0}: {1}</translation>
    </message>
    <message>
        <source>Exported to {0}</source>
        <translation>Экспортировано в {0}</translation>
    </message>
    <message>
        <source>Cannot import {0}: {1}</source>
        <translation>Не удалось импортировать {0}: {1}</translation>
    </message>
    <message>
        <source>Imported “{0}”</source>
        <translation>Импортирован чат «{0}»</translation>
    </message>
    <message>
        <source>Importing {0}…</source>
        <translation>Импорт {0}…</translation>
    </message>
    <message>
        <source>Import cancelled: nothing was added</source>
        <translation>Импорт отменён: ничего не добавлено</translation>
    </message>
    <message>
        <source>Cannot back up: no profile</source>
        <translation>Резервная копия невозможна: нет профиля</translation>
    </message>
    <message>
        <source>Cannot back up to {0}: {1}</source>
        <translation>Не удалось сохранить резервную копию в {0}: {1}</translation>
    </message>
    <message numerus="yes">
        <source>Backed up %n chat(s) to {0}</source>
        <translation>
            <numerusform>Сохранён %n чат в {0}</numerusform>
            <numerusform>Сохранено %n чата в {0}</numerusform>
            <numerusform>Сохранено %n чатов в {0}</numerusform>
        </translation>
    </message>
    <message>
        <source>this is not a Besedka, ChatGPT or Chatbox export</source>
        <translation>это не экспорт Беседки, ChatGPT или Chatbox</translation>
    </message>
    <message>
        <source>the file is damaged or not JSON</source>
        <translation>файл повреждён или это не JSON</translation>
    </message>
    <message>
        <source>the archive holds no conversations.json</source>
        <translation>в архиве нет conversations.json</translation>
    </message>
    <message>
        <source>the file is too big</source>
        <translation>файл слишком большой</translation>
    </message>
    <message numerus="yes">
        <source>Imported from {0}: %n chat(s)</source>
        <translation>
            <numerusform>Импортировано из {0}: %n чат</numerusform>
            <numerusform>Импортировано из {0}: %n чата</numerusform>
            <numerusform>Импортировано из {0}: %n чатов</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n message(s)</source>
        <translation>
            <numerusform>, %n сообщение</numerusform>
            <numerusform>, %n сообщения</numerusform>
            <numerusform>, %n сообщений</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n chat(s) were already here</source>
        <translation>
            <numerusform>; %n чат уже был здесь</numerusform>
            <numerusform>; %n чата уже были здесь</numerusform>
            <numerusform>; %n чатов уже были здесь</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; left out %n system, tool or non-text message(s)</source>
        <translation>
            <numerusform>; пропущено %n системное, служебное или нетекстовое сообщение</numerusform>
            <numerusform>; пропущено %n системных, служебных или нетекстовых сообщения</numerusform>
            <numerusform>; пропущено %n системных, служебных или нетекстовых сообщений</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; left out %n image(s) or attachment(s)</source>
        <translation>
            <numerusform>; пропущено %n изображение или вложение</numerusform>
            <numerusform>; пропущено %n изображения или вложения</numerusform>
            <numerusform>; пропущено %n изображений или вложений</numerusform>
        </translation>
    </message>
    <message>
        <source>Wait for the reply to finish, or stop it.</source>
        <translation>Дождитесь конца ответа или остановите его.</translation>
    </message>
    <message>
        <source>Message deleted</source>
        <translation>Сообщение удалено</translation>
    </message>
    <message>
        <source>Branch deleted</source>
        <translation>Ветка удалена</translation>
    </message>
    <message>
        <source>Chat moved to the Trash</source>
        <translation>Чат перемещён в корзину</translation>
    </message>
</context>
<context>
    <name>ImportProgress</name>
    <message>
        <source>Importing</source>
        <translation>Импорт</translation>
    </message>
    <message>
        <source>Importing {0}…</source>
        <translation>Импорт {0}…</translation>
    </message>
    <message>
        <source>Import progress</source>
        <translation>Ход импорта</translation>
    </message>
    <message>
        <source>Stop the import; nothing of it is kept</source>
        <translation>Остановить импорт; ничего из него не сохранится</translation>
    </message>
    <message>
        <source>Chats so far: {0}, messages: {1}</source>
        <translation>Чатов пока: {0}, сообщений: {1}</translation>
    </message>
    <message>
        <source>Cancelling: taking back what was added…</source>
        <translation>Отмена: убираем добавленное…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Besedka</source>
        <translation>Беседка</translation>
    </message>
    <message>
        <source>Parameters…</source>
        <translation>Параметры…</translation>
    </message>
    <message>
        <source>Conversation parameters</source>
        <translation>Параметры разговора</translation>
    </message>
    <message>
        <source>System prompt, temperature and reply length of this conversation</source>
        <translation>Системный промпт, температура и длина ответа в этом разговоре</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Настройки…</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Keys, addresses, proxy, language and theme</source>
        <translation>Ключи, адреса, прокси, язык и тема</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Отправить</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>Отправить сообщение</translation>
    </message>
    <message>
        <source>Send the message (Enter)</source>
        <translation>Отправить сообщение (Enter)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Остановить</translation>
    </message>
    <message>
        <source>Stop the reply</source>
        <translation>Остановить ответ</translation>
    </message>
    <message>
        <source>Stop the reply that is streaming; its text so far is kept (Esc)</source>
        <translation>Остановить поступающий ответ; уже полученный текст сохранится (Esc)</translation>
    </message>
    <message>
        <source>Enter sends · Shift+Enter adds a line</source>
        <translation>Enter — отправить · Shift+Enter — новая строка</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Chats</source>
        <translation>Чаты</translation>
    </message>
    <message>
        <source>Provider and model</source>
        <translation>Провайдер и модель</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <source>New chat &amp;with</source>
        <translation>Новый чат &amp;с</translation>
    </message>
    <message>
        <source>&amp;Name chats with the model</source>
        <translation>&amp;Называть чаты с помощью модели</translation>
    </message>
    <message>
        <source>After the first reply, the model gives the chat a short title</source>
        <translation>После первого ответа модель даёт чату короткое название</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>&amp;Чат</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>П&amp;ереход</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <source>&amp;New chat</source>
        <translation>&amp;Новый чат</translation>
    </message>
    <message>
        <source>Start a new conversation</source>
        <translation>Начать новый разговор</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>&amp;Остановить</translation>
    </message>
    <message>
        <source>Stop the reply that is streaming</source>
        <translation>Остановить поступающий ответ</translation>
    </message>
    <message>
        <source>&amp;Regenerate</source>
        <translation>Сгенерировать &amp;заново</translation>
    </message>
    <message>
        <source>Replace the last reply with a new one</source>
        <translation>Заменить последний ответ новым</translation>
    </message>
    <message>
        <source>&amp;Copy last reply</source>
        <translation>&amp;Копировать последний ответ</translation>
    </message>
    <message>
        <source>Copy the text of the newest reply</source>
        <translation>Скопировать текст последнего ответа</translation>
    </message>
    <message>
        <source>Pre&amp;vious version</source>
        <translation>Пре&amp;дыдущая версия</translation>
    </message>
    <message>
        <source>Show the previous version of the message (‹)</source>
        <translation>Показать предыдущую версию сообщения (‹)</translation>
    </message>
    <message>
        <source>Ne&amp;xt version</source>
        <translation>С&amp;ледующая версия</translation>
    </message>
    <message>
        <source>Show the next version of the message (›)</source>
        <translation>Показать следующую версию сообщения (›)</translation>
    </message>
    <message>
        <source>T&amp;rash…</source>
        <translation>Ко&amp;рзина…</translation>
    </message>
    <message>
        <source>Deleted chats: restore them or delete them forever</source>
        <translation>Удалённые чаты: восстановить или удалить навсегда</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Поиск</translation>
    </message>
    <message>
        <source>Search all chats</source>
        <translation>Поиск по всем чатам</translation>
    </message>
    <message>
        <source>&amp;Message box</source>
        <translation>Поле &amp;ввода</translation>
    </message>
    <message>
        <source>Move the cursor to the message box</source>
        <translation>Перейти к полю ввода сообщения</translation>
    </message>
    <message>
        <source>N&amp;ext chat</source>
        <translation>&amp;Следующий чат</translation>
    </message>
    <message>
        <source>Open the next conversation</source>
        <translation>Открыть следующий разговор</translation>
    </message>
    <message>
        <source>&amp;Previous chat</source>
        <translation>П&amp;редыдущий чат</translation>
    </message>
    <message>
        <source>Open the previous conversation</source>
        <translation>Открыть предыдущий разговор</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>На&amp;стройки…</translation>
    </message>
    <message>
        <source>Open the settings</source>
        <translation>Открыть настройки</translation>
    </message>
    <message>
        <source>&amp;Assistants…</source>
        <translation>&amp;Ассистенты…</translation>
    </message>
    <message>
        <source>Presets of a system prompt, model and parameters</source>
        <translation>Заготовки системного промпта, модели и параметров</translation>
    </message>
    <message>
        <source>&amp;Back up everything…</source>
        <translation>&amp;Резервная копия…</translation>
    </message>
    <message>
        <source>Every chat, the assistants and the settings in one file</source>
        <translation>Все чаты, ассистенты и настройки в одном файле</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Импорт…</translation>
    </message>
    <message>
        <source>Add chats: a Besedka chat or library, a ChatGPT export, a Chatbox export</source>
        <translation>Добавить чаты: чат или библиотеку Беседки, экспорт ChatGPT, экспорт Chatbox</translation>
    </message>
    <message>
        <source>Chats and exports (*.json *.zip);;All files (*)</source>
        <translation>Чаты и экспорты (*.json *.zip);;Все файлы (*)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Сочетания клавиш</translation>
    </message>
    <message>
        <source>List every keyboard shortcut</source>
        <translation>Показать все сочетания клавиш</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Выход</translation>
    </message>
    <message>
        <source>Close Besedka</source>
        <translation>Закрыть Беседку</translation>
    </message>
    <message>
        <source>No message here has other versions.</source>
        <translation>Ни у одного сообщения здесь нет других версий.</translation>
    </message>
    <message>
        <source>This is the first version.</source>
        <translation>Это первая версия.</translation>
    </message>
    <message>
        <source>This is the last version.</source>
        <translation>Это последняя версия.</translation>
    </message>
    <message numerus="yes">
        <source>%n reply(s) were cut off when the app last closed; their text is kept.</source>
        <translation>
            <numerusform>%n ответ был прерван при прошлом закрытии приложения; его текст сохранён.</numerusform>
            <numerusform>%n ответа были прерваны при прошлом закрытии приложения; их текст сохранён.</numerusform>
            <numerusform>%n ответов были прерваны при прошлом закрытии приложения; их текст сохранён.</numerusform>
        </translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Запуск…</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Готово</translation>
    </message>
    <message>
        <source>Retrying in {0} s…</source>
        <translation>Повтор через {0} с…</translation>
    </message>
    <message>
        <source>No reply to copy yet.</source>
        <translation>Копировать пока нечего: ответов ещё нет.</translation>
    </message>
    <message>
        <source>Copied the last reply.</source>
        <translation>Последний ответ скопирован.</translation>
    </message>
    <message>
        <source>Import chat</source>
        <translation>Импорт чата</translation>
    </message>
    <message>
        <source>Export chat</source>
        <translation>Экспорт чата</translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON (*.json);;HTML (*.html)</source>
        <translation>Markdown (*.md);;JSON (*.json);;HTML (*.html)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Вид</translation>
    </message>
    <message>
        <source>&amp;Find in chat…</source>
        <translation>&amp;Найти в чате…</translation>
    </message>
    <message>
        <source>Find words in the open chat</source>
        <translation>Найти слова в открытом чате</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>&amp;Крупнее</translation>
    </message>
    <message>
        <source>Larger conversation text</source>
        <translation>Крупнее текст разговора</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>&amp;Мельче</translation>
    </message>
    <message>
        <source>Smaller conversation text</source>
        <translation>Мельче текст разговора</translation>
    </message>
    <message>
        <source>&amp;Actual size</source>
        <translation>&amp;Обычный размер</translation>
    </message>
    <message>
        <source>Conversation text at its usual size</source>
        <translation>Текст разговора обычного размера</translation>
    </message>
    <message>
        <source>Show or hide the &amp;sidebar</source>
        <translation>Показать или скрыть &amp;боковую панель</translation>
    </message>
    <message>
        <source>The list of chats beside the conversation</source>
        <translation>Список чатов рядом с разговором</translation>
    </message>
    <message>
        <source>Zoom {0}%</source>
        <translation>Масштаб {0}%</translation>
    </message>
    <message>
        <source>Back up everything</source>
        <translation>Резервная копия</translation>
    </message>
    <message>
        <source>Besedka backup (*.zip)</source>
        <translation>Резервная копия Беседки (*.zip)</translation>
    </message>
</context>
<context>
    <name>ParametersDialog</name>
    <message>
        <source>Conversation parameters</source>
        <translation>Параметры разговора</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>Системный промпт</translation>
    </message>
    <message>
        <source>Instructions the model gets before the conversation; Tab leaves the field</source>
        <translation>Указания, которые модель получает перед разговором; Tab — выйти из поля</translation>
    </message>
    <message>
        <source>Set t&amp;emperature</source>
        <translation>Задать темп&amp;ературу</translation>
    </message>
    <message>
        <source>Set temperature</source>
        <translation>Задать температуру</translation>
    </message>
    <message>
        <source>When off, the provider&apos;s default temperature is used</source>
        <translation>Если выключено, используется температура провайдера по умолчанию</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Температура</translation>
    </message>
    <message>
        <source>From 0 (focused) to 2 (varied); 0.7 is a common choice</source>
        <translation>От 0 (точнее) до 2 (разнообразнее); обычно выбирают 0,7</translation>
    </message>
    <message>
        <source>Maximum reply tokens</source>
        <translation>Максимум токенов в ответе</translation>
    </message>
    <message>
        <source>0 leaves the length to the provider</source>
        <translation>0 — длину ответа выбирает провайдер</translation>
    </message>
    <message>
        <source>provider default</source>
        <translation>как у провайдера</translation>
    </message>
    <message>
        <source>Save parameters</source>
        <translation>Сохранить параметры</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>Отменить изменения</translation>
    </message>
    <message>
        <source>&amp;System prompt:</source>
        <translation>&amp;Системный промпт:</translation>
    </message>
    <message>
        <source>Max &amp;tokens:</source>
        <translation>Макс. &amp;токенов:</translation>
    </message>
    <message>
        <source>&amp;Reasoning effort:</source>
        <translation>&amp;Глубина рассуждений:</translation>
    </message>
    <message>
        <source>Conte&amp;xt limit (tokens):</source>
        <translation>Предел &amp;контекста (токенов):</translation>
    </message>
    <message>
        <source>Reasoning effort</source>
        <translation>Глубина рассуждений</translation>
    </message>
    <message>
        <source>How long a reasoning model thinks before it answers; more takes longer</source>
        <translation>Как долго рассуждающая модель думает перед ответом; чем глубже, тем дольше</translation>
    </message>
    <message>
        <source>Service default</source>
        <translation>Как у сервиса</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Низкая</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Средняя</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Высокая</translation>
    </message>
    <message>
        <source>Context limit in tokens</source>
        <translation>Предел контекста в токенах</translation>
    </message>
    <message>
        <source>The most the model is sent: older messages that do not fit are left out; 0 uses the model&apos;s default</source>
        <translation>Больше этого модели не отправляется: более ранние сообщения, которые не помещаются, опускаются; 0 — предел модели по умолчанию</translation>
    </message>
    <message>
        <source>model default ({0})</source>
        <translation>как у модели ({0})</translation>
    </message>
    <message>
        <source>model default</source>
        <translation>как у модели</translation>
    </message>
    <message>
        <source>{0} (off in Settings)</source>
        <translation>{0} (выключен в настройках)</translation>
    </message>
    <message>
        <source>Offer the tools of {0}</source>
        <translation>Предлагать инструменты {0}</translation>
    </message>
    <message>
        <source>No tool servers yet: add them in Settings → Tools.</source>
        <translation>Серверов инструментов пока нет: добавьте их в «Настройки → Инструменты».</translation>
    </message>
    <message>
        <source>Each call asks you first.</source>
        <translation>О каждом вызове вас сначала спросят.</translation>
    </message>
    <message>
        <source>Tools:</source>
        <translation>Инструменты:</translation>
    </message>
</context>
<context>
    <name>ProviderError</name>
    <message>
        <source>{0}: connected, {1} models available.</source>
        <translation>{0}: подключено, доступно моделей: {1}.</translation>
    </message>
    <message>
        <source>{0}: connected.</source>
        <translation>{0}: подключено.</translation>
    </message>
    <message>
        <source>Balance (tokens): {0}.</source>
        <translation>Остаток (токенов): {0}.</translation>
    </message>
</context>
<context>
    <name>ProviderPage</name>
    <message>
        <source>This provider is marked as not working at the moment.</source>
        <translation>Этот провайдер сейчас отмечен как неработающий.</translation>
    </message>
    <message>
        <source>Set in the environment, used for this session instead of the values below and never saved: {0}</source>
        <translation>Заданы в окружении и в этом сеансе используются вместо значений ниже (никогда не сохраняются): {0}</translation>
    </message>
    <message>
        <source>Environment overrides</source>
        <translation>Значения из окружения</translation>
    </message>
    <message>
        <source>This provider needs no key or address.</source>
        <translation>Этому провайдеру не нужны ни ключ, ни адрес.</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>Прокси</translation>
    </message>
    <message>
        <source>No proxy</source>
        <translation>Без прокси</translation>
    </message>
    <message>
        <source>System proxy</source>
        <translation>Системный прокси</translation>
    </message>
    <message>
        <source>Proxy URL</source>
        <translation>Адрес прокси</translation>
    </message>
    <message>
        <source>Proxy:</source>
        <translation>Прокси:</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Дополнительно</translation>
    </message>
    <message>
        <source>Advanced settings</source>
        <translation>Дополнительные настройки</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Ошибки</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Проверить подключение</translation>
    </message>
    <message>
        <source>Remove profile</source>
        <translation>Удалить профиль</translation>
    </message>
    <message>
        <source>Test connection to {0}</source>
        <translation>Проверить подключение к {0}</translation>
    </message>
    <message>
        <source>Connection test result</source>
        <translation>Результат проверки подключения</translation>
    </message>
    <message>
        <source>{0}:</source>
        <translation>{0}:</translation>
    </message>
    <message>
        <source>{0} must be an http:// or https:// address.</source>
        <translation>{0}: нужен адрес, начинающийся с http:// или https://.</translation>
    </message>
    <message>
        <source>{0}: there is no such file.</source>
        <translation>{0}: такого файла нет.</translation>
    </message>
    <message>
        <source>The proxy must be an http://, https://, socks5:// or socks5h:// address.</source>
        <translation>Адрес прокси должен начинаться с http://, https://, socks5:// или socks5h://.</translation>
    </message>
    <message>
        <source>A proxy password would be stored in plain text, so it is not accepted here. Use “System proxy” with the password in HTTPS_PROXY or ALL_PROXY, or a proxy without one.</source>
        <translation>Пароль прокси пришлось бы хранить открытым текстом, поэтому здесь он не принимается. Выберите «Системный прокси» и укажите пароль в HTTPS_PROXY или ALL_PROXY или используйте прокси без пароля.</translation>
    </message>
    <message>
        <source>Remove the profile {0}</source>
        <translation>Удалить профиль {0}</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Проверка…</translation>
    </message>
</context>
<context>
    <name>ProviderPicker</name>
    <message>
        <source>&amp;Provider:</source>
        <translation>&amp;Провайдер:</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>&amp;Модель:</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Провайдер</translation>
    </message>
    <message>
        <source>The service that answers in this conversation</source>
        <translation>Сервис, который отвечает в этом разговоре</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <source>Pick a model from the list or type its name</source>
        <translation>Выберите модель из списка или введите её название</translation>
    </message>
    <message>
        <source>{0} (not working)</source>
        <translation>{0} (не работает)</translation>
    </message>
    <message>
        <source>An OpenAI-compatible endpoint: its address and key are in Settings</source>
        <translation>OpenAI-совместимый сервер: его адрес и ключ — в настройках</translation>
    </message>
    <message>
        <source>Needs a key</source>
        <translation>Нужен ключ</translation>
    </message>
    <message>
        <source>No key needed</source>
        <translation>Ключ не нужен</translation>
    </message>
    <message>
        <source>The public service is gone; point it at a compatible host in Settings.</source>
        <translation>Публичный сервис больше не работает; укажите совместимый сервер в настройках.</translation>
    </message>
</context>
<context>
    <name>Providers</name>
    <message>
        <source>OpenAI-compatible</source>
        <translation>OpenAI-совместимый</translation>
    </message>
    <message>
        <source>Authorization key</source>
        <translation>Ключ авторизации</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>Область доступа (scope)</translation>
    </message>
    <message>
        <source>API base URL</source>
        <translation>Базовый адрес API</translation>
    </message>
    <message>
        <source>OAuth URL</source>
        <translation>Адрес OAuth</translation>
    </message>
    <message>
        <source>Extra CA file</source>
        <translation>Дополнительный файл CA</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>Базовый адрес</translation>
    </message>
    <message>
        <source>API key (optional)</source>
        <translation>Ключ API (необязательно)</translation>
    </message>
    <message>
        <source>Extra CA certificate file</source>
        <translation>Дополнительный файл сертификата CA</translation>
    </message>
    <message>
        <source>Login method</source>
        <translation>Способ входа</translation>
    </message>
    <message>
        <source>Access token</source>
        <translation>Токен доступа</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Имя пользователя</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>Client certificate file</source>
        <translation>Файл клиентского сертификата</translation>
    </message>
    <message>
        <source>Client key file</source>
        <translation>Файл клиентского ключа</translation>
    </message>
    <message>
        <source>Client key password</source>
        <translation>Пароль клиентского ключа</translation>
    </message>
    <message>
        <source>User name and password</source>
        <translation>Имя пользователя и пароль</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>Клиентский сертификат</translation>
    </message>
    <message>
        <source>Profile name</source>
        <translation>Название профиля</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Модели</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>Новый профиль</translation>
    </message>
    <message>
        <source>Models that see images</source>
        <translation>Модели, которые видят изображения</translation>
    </message>
</context>
<context>
    <name>SecretEditor</name>
    <message>
        <source>Paste the key here</source>
        <translation>Вставьте ключ сюда</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Показать</translation>
    </message>
    <message>
        <source>Show {0}</source>
        <translation>Показать значение поля «{0}»</translation>
    </message>
    <message>
        <source>Remove key</source>
        <translation>Удалить ключ</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Remove {0}</source>
        <translation>Удалить значение поля «{0}»</translation>
    </message>
    <message>
        <source>Where the key comes from</source>
        <translation>Откуда берётся ключ</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Скрыть</translation>
    </message>
    <message>
        <source>From the environment variable {0}: it overrides the saved value for this session and is never saved.</source>
        <translation>Из переменной окружения {0}: в этом сеансе она заменяет сохранённое значение и никогда не сохраняется.</translation>
    </message>
    <message>
        <source>Stored in the system keychain.</source>
        <translation>Хранится в системной связке ключей.</translation>
    </message>
    <message>
        <source>Kept for this session only.</source>
        <translation>Хранится только до конца сеанса.</translation>
    </message>
    <message>
        <source>It will be saved in the system keychain when you press OK.</source>
        <translation>Будет сохранено в системной связке ключей, когда вы нажмёте «ОК».</translation>
    </message>
    <message>
        <source>No system keychain is available; it can be kept for this session only.</source>
        <translation>Системная связка ключей недоступна; значение можно хранить только до конца сеанса.</translation>
    </message>
    <message>
        <source>The saved value will be removed when you press OK.</source>
        <translation>Сохранённое значение будет удалено, когда вы нажмёте «ОК».</translation>
    </message>
    <message>
        <source>Key from the environment variable {0}: it overrides the saved key for this session and is never saved.</source>
        <translation>Ключ из переменной окружения {0}: в этом сеансе он заменяет сохранённый ключ и никогда не сохраняется.</translation>
    </message>
    <message>
        <source>Key stored in the system keychain.</source>
        <translation>Ключ хранится в системной связке ключей.</translation>
    </message>
    <message>
        <source>Key kept for this session only.</source>
        <translation>Ключ хранится только до конца сеанса.</translation>
    </message>
    <message>
        <source>No key set.</source>
        <translation>Ключ не задан.</translation>
    </message>
    <message>
        <source>The new key will be saved in the system keychain when you press OK.</source>
        <translation>Новый ключ будет сохранён в системной связке ключей, когда вы нажмёте «ОК».</translation>
    </message>
    <message>
        <source>No system keychain is available; the key can be kept for this session only.</source>
        <translation>Системная связка ключей недоступна; ключ можно хранить только до конца сеанса.</translation>
    </message>
    <message>
        <source>The saved key will be removed when you press OK.</source>
        <translation>Сохранённый ключ будет удалён, когда вы нажмёте «ОК».</translation>
    </message>
    <message>
        <source>No system keychain is available; a key can be kept for this session only.</source>
        <translation>Системная связка ключей недоступна; ключ можно хранить только до конца сеанса.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Settings pages</source>
        <translation>Разделы настроек</translation>
    </message>
    <message>
        <source>Settings page</source>
        <translation>Раздел настроек</translation>
    </message>
    <message>
        <source>Add profile…</source>
        <translation>Добавить профиль…</translation>
    </message>
    <message>
        <source>Add an OpenAI-compatible profile</source>
        <translation>Добавить OpenAI-совместимый профиль</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>Сохранить настройки</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>Отменить изменения</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Инструменты</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Язык:</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Тема</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Светлая</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Тёмная</translation>
    </message>
    <message>
        <source>Theme:</source>
        <translation>Тема:</translation>
    </message>
    <message>
        <source>Show an icon in the system tray</source>
        <translation>Показывать значок в области уведомлений</translation>
    </message>
    <message>
        <source>Tray icon</source>
        <translation>Значок в области уведомлений</translation>
    </message>
    <message>
        <source>Connection timeout</source>
        <translation>Тайм-аут подключения</translation>
    </message>
    <message>
        <source>Connection timeout:</source>
        <translation>Тайм-аут подключения:</translation>
    </message>
    <message>
        <source>Reply timeout</source>
        <translation>Тайм-аут ответа</translation>
    </message>
    <message>
        <source>The longest silence allowed while a reply streams</source>
        <translation>Сколько ждать продолжения ответа, прежде чем сдаться</translation>
    </message>
    <message>
        <source>Reply timeout:</source>
        <translation>Тайм-аут ответа:</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Общие</translation>
    </message>
    <message>
        <source> s</source>
        <translation> с</translation>
    </message>
    <message>
        <source>The test was cancelled.</source>
        <translation>Проверка отменена.</translation>
    </message>
    <message>
        <source>The test failed unexpectedly ({0}).</source>
        <translation>Проверка неожиданно завершилась ошибкой ({0}).</translation>
    </message>
    <message>
        <source>Settings not saved</source>
        <translation>Настройки не сохранены</translation>
    </message>
    <message>
        <source>The settings could not be saved.</source>
        <translation>Не удалось сохранить настройки.</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>ОК</translation>
    </message>
    <message>
        <source>System keychain</source>
        <translation>Системная связка ключей</translation>
    </message>
    <message>
        <source>No system keychain is available; the key can be kept for this session only.</source>
        <translation>Системная связка ключей недоступна; ключ можно хранить только до конца сеанса.</translation>
    </message>
    <message>
        <source>Keep the {0} key in memory until Besedka exits? It is never written to disk.</source>
        <translation>Хранить ключ {0} в памяти до выхода из Беседки? На диск он не записывается.</translation>
    </message>
    <message>
        <source>Keep for this session</source>
        <translation>Хранить до конца сеанса</translation>
    </message>
    <message>
        <source>Discard the key</source>
        <translation>Не сохранять ключ</translation>
    </message>
    <message>
        <source>The {0} key could not be removed from the system keychain.</source>
        <translation>Не удалось удалить ключ {0} из системной связки ключей.</translation>
    </message>
    <message>
        <source>Not a valid mcpServers file: {0}{1}.</source>
        <translation>Это не корректный файл mcpServers: {0}{1}.</translation>
    </message>
    <message>
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message>
        <source>{0} started. Its tools: {1}.</source>
        <translation>{0} запущен. Его инструменты: {1}.</translation>
    </message>
    <message>
        <source>Imported {0} tool servers.</source>
        <translation>Импортировано серверов инструментов: {0}.</translation>
    </message>
    <message>
        <source>Exported to {0}; secret values are not in it.</source>
        <translation>Экспортировано в {0}; секретных значений в файле нет.</translation>
    </message>
    <message>
        <source>No keychain to keep a tool server&apos;s secret in.</source>
        <translation>Нет связки ключей, чтобы хранить секрет сервера инструментов.</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Сочетания клавиш</translation>
    </message>
    <message>
        <source>Tab and Shift+Tab move between the parts of the window; in the conversation they move between the links under the messages.</source>
        <translation>Tab и Shift+Tab переходят между частями окна, а внутри разговора — между ссылками под сообщениями.</translation>
    </message>
    <message>
        <source>Each row: what it does, then its keys</source>
        <translation>В каждой строке — действие и его клавиши</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Действие</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Клавиши</translation>
    </message>
    <message>
        <source>Close the list of shortcuts</source>
        <translation>Закрыть список сочетаний клавиш</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}: {1}</translation>
    </message>
</context>
<context>
    <name>TextDialog</name>
    <message>
        <source>Copy all</source>
        <translation>Копировать всё</translation>
    </message>
    <message>
        <source>The whole text, read-only</source>
        <translation>Весь текст, только для чтения</translation>
    </message>
</context>
<context>
    <name>ToolsPage</name>
    <message>
        <source>Tool servers</source>
        <translation>Серверы инструментов</translation>
    </message>
    <message>
        <source>Checked servers may be offered in chats</source>
        <translation>Отмеченные серверы можно предлагать в чатах</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Добавить</translation>
    </message>
    <message>
        <source>Add a tool server</source>
        <translation>Добавить сервер инструментов</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>&amp;Убрать</translation>
    </message>
    <message>
        <source>Remove the selected tool server</source>
        <translation>Убрать выбранный сервер инструментов</translation>
    </message>
    <message>
        <source>T&amp;est</source>
        <translation>&amp;Проверить</translation>
    </message>
    <message>
        <source>Start the selected server and list its tools</source>
        <translation>Запустить выбранный сервер и показать его инструменты</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Импорт…</translation>
    </message>
    <message>
        <source>Import servers from an mcpServers JSON file</source>
        <translation>Импортировать серверы из JSON-файла mcpServers</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>&amp;Экспорт…</translation>
    </message>
    <message>
        <source>Export the servers as mcpServers JSON</source>
        <translation>Экспортировать серверы как JSON mcpServers</translation>
    </message>
    <message>
        <source>Server name</source>
        <translation>Имя сервера</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Команда</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Аргументы</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Environment: one NAME=value a line</source>
        <translation>Окружение: по одной строке ИМЯ=значение</translation>
    </message>
    <message>
        <source>Headers: one Name: value a line</source>
        <translation>Заголовки: по одной строке Имя: значение</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Имя:</translation>
    </message>
    <message>
        <source>&amp;Command:</source>
        <translation>&amp;Команда:</translation>
    </message>
    <message>
        <source>Ar&amp;guments:</source>
        <translation>&amp;Аргументы:</translation>
    </message>
    <message>
        <source>En&amp;vironment:</source>
        <translation>&amp;Окружение:</translation>
    </message>
    <message>
        <source>&amp;URL:</source>
        <translation>&amp;URL:</translation>
    </message>
    <message>
        <source>&amp;Headers:</source>
        <translation>&amp;Заголовки:</translation>
    </message>
    <message>
        <source>A stdio server runs a command; an HTTP server has a URL. Values of names with KEY, TOKEN, SECRET or PASSWORD go to the keychain, never into a file; left empty, the stored value stays. Each call a model makes is asked first.</source>
        <translation>Сервер stdio запускает команду; у HTTP-сервера есть URL. Значения с KEY, TOKEN, SECRET или PASSWORD в имени хранятся в связке ключей, никогда в файле; если оставить поле пустым, сохранённое значение останется. О каждом вызове модели вас сначала спросят.</translation>
    </message>
    <message>
        <source>Test result</source>
        <translation>Результат проверки</translation>
    </message>
    <message>
        <source>(unnamed)</source>
        <translation>(без имени)</translation>
    </message>
    <message>
        <source>A tool server has no name.</source>
        <translation>У сервера инструментов нет имени.</translation>
    </message>
    <message>
        <source>Two tool servers are named {0}.</source>
        <translation>Два сервера инструментов называются {0}.</translation>
    </message>
    <message>
        <source>Tool server {0} needs a command or a URL.</source>
        <translation>Серверу инструментов {0} нужна команда или URL.</translation>
    </message>
    <message>
        <source>Starting {0}…</source>
        <translation>Запуск {0}…</translation>
    </message>
    <message>
        <source>Export tool servers</source>
        <translation>Экспорт серверов инструментов</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Импорт</translation>
    </message>
    <message>
        <source>MCP servers (*.json)</source>
        <translation>Серверы MCP (*.json)</translation>
    </message>
</context>
<context>
    <name>TrashDialog</name>
    <message>
        <source>Trash</source>
        <translation>Корзина</translation>
    </message>
    <message numerus="yes">
        <source>Deleted chats stay here for %n day(s), then they are deleted forever.</source>
        <translation>
            <numerusform>Удалённые чаты хранятся здесь %n день, затем удаляются навсегда.</numerusform>
            <numerusform>Удалённые чаты хранятся здесь %n дня, затем удаляются навсегда.</numerusform>
            <numerusform>Удалённые чаты хранятся здесь %n дней, затем удаляются навсегда.</numerusform>
        </translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Чат</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>Удалён</translation>
    </message>
    <message>
        <source>Deleted chats</source>
        <translation>Удалённые чаты</translation>
    </message>
    <message>
        <source>Each row: the chat&apos;s title, then when it was deleted. Enter restores it.</source>
        <translation>В каждой строке — название чата и когда он удалён. Enter восстанавливает чат.</translation>
    </message>
    <message>
        <source>The trash is empty.</source>
        <translation>Корзина пуста.</translation>
    </message>
    <message>
        <source>&amp;Restore</source>
        <translation>&amp;Восстановить</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Восстановить</translation>
    </message>
    <message>
        <source>Put the selected chats back in the list of chats</source>
        <translation>Вернуть выбранные чаты в список чатов</translation>
    </message>
    <message>
        <source>&amp;Delete forever</source>
        <translation>&amp;Удалить навсегда</translation>
    </message>
    <message>
        <source>Delete forever</source>
        <translation>Удалить навсегда</translation>
    </message>
    <message>
        <source>Delete the selected chats for good; this cannot be undone</source>
        <translation>Удалить выбранные чаты навсегда; это нельзя отменить</translation>
    </message>
    <message>
        <source>&amp;Empty Trash…</source>
        <translation>&amp;Очистить корзину…</translation>
    </message>
    <message>
        <source>Empty Trash</source>
        <translation>Очистить корзину</translation>
    </message>
    <message>
        <source>Delete every chat in the trash for good</source>
        <translation>Удалить навсегда все чаты в корзине</translation>
    </message>
    <message>
        <source>Delete all forever</source>
        <translation>Удалить все навсегда</translation>
    </message>
    <message>
        <source>Empty the trash now; this cannot be undone</source>
        <translation>Очистить корзину сейчас; это нельзя отменить</translation>
    </message>
    <message>
        <source>Keep them</source>
        <translation>Оставить</translation>
    </message>
    <message>
        <source>Leave the trash as it is</source>
        <translation>Оставить корзину как есть</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>Close the trash</source>
        <translation>Закрыть корзину</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>Без названия</translation>
    </message>
    <message>
        <source>Deleted forever after {0}</source>
        <translation>Будет удалён навсегда после {0}</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n chat(s) in the trash forever?</source>
        <translation>
            <numerusform>Удалить навсегда %n чат из корзины?</numerusform>
            <numerusform>Удалить навсегда все %n чата из корзины?</numerusform>
            <numerusform>Удалить навсегда все %n чатов из корзины?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>Besedka</source>
        <translation>Беседка</translation>
    </message>
    <message>
        <source>Hide the window</source>
        <translation>Скрыть окно</translation>
    </message>
    <message>
        <source>Show the window</source>
        <translation>Показать окно</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
</context>
<context>
    <name>UndoBar</name>
    <message>
        <source>Undo</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <source>Undo: {0}</source>
        <translation>Отменить: {0}</translation>
    </message>
    <message>
        <source>Undo the last deletion</source>
        <translation>Отменить последнее удаление</translation>
    </message>
</context>
<context>
    <name>WelcomeController</name>
    <message>
        <source>The settings could not be saved: {0}</source>
        <translation>Не удалось сохранить настройки: {0}</translation>
    </message>
    <message>
        <source>Add a key to send: paste it here and press OK.</source>
        <translation>Чтобы отправить, добавьте ключ: вставьте его сюда и нажмите OK.</translation>
    </message>
</context>
<context>
    <name>WelcomePanel</name>
    <message>
        <source>Welcome to Besedka</source>
        <translation>Добро пожаловать в Беседку</translation>
    </message>
    <message>
        <source>Choose a model to talk to. You can add others and switch at any time.</source>
        <translation>Выберите модель для разговора. Другие можно добавить и переключаться в любой момент.</translation>
    </message>
    <message>
        <source>Sber&apos;s models, in Russian and English. A personal key is free.</source>
        <translation>Модели Сбера, на русском и английском. Личный ключ бесплатный.</translation>
    </message>
    <message>
        <source>An online service</source>
        <translation>Онлайн-сервис</translation>
    </message>
    <message>
        <source>OpenAI, DeepSeek, OpenRouter or any OpenAI-compatible API.</source>
        <translation>OpenAI, DeepSeek, OpenRouter или любой API, совместимый с OpenAI.</translation>
    </message>
    <message>
        <source>On this computer</source>
        <translation>На этом компьютере</translation>
    </message>
    <message>
        <source>Ollama or LM Studio: no key, and nothing leaves your machine.</source>
        <translation>Ollama или LM Studio: без ключа, и ничего не покидает ваш компьютер.</translation>
    </message>
    <message>
        <source>Add GigaChat key</source>
        <translation>Добавить ключ GigaChat</translation>
    </message>
    <message>
        <source>Add your GigaChat authorization key</source>
        <translation>Добавьте ключ авторизации GigaChat</translation>
    </message>
    <message>
        <source>Where do I get a key?</source>
        <translation>Где взять ключ?</translation>
    </message>
    <message>
        <source>Where do I get a GigaChat key?</source>
        <translation>Где взять ключ GigaChat?</translation>
    </message>
    <message>
        <source>Opens developers.sber.ru in the browser</source>
        <translation>Открывает developers.sber.ru в браузере</translation>
    </message>
    <message>
        <source>Use {0}</source>
        <translation>Использовать {0}</translation>
    </message>
    <message>
        <source>Opens Settings to paste the API key</source>
        <translation>Открывает настройки, чтобы вставить ключ API</translation>
    </message>
    <message>
        <source>Look again</source>
        <translation>Поискать снова</translation>
    </message>
    <message>
        <source>Look for local servers again</source>
        <translation>Снова поискать локальные серверы</translation>
    </message>
    <message>
        <source>Keys are kept in the system keychain, never in a file.</source>
        <translation>Ключи хранятся в системной связке ключей, никогда в файле.</translation>
    </message>
    <message>
        <source>Looking for Ollama and LM Studio…</source>
        <translation>Ищем Ollama и LM Studio…</translation>
    </message>
    <message>
        <source>Nothing answered on port 11434 (Ollama) or 1234 (LM Studio).</source>
        <translation>Никто не ответил на порту 11434 (Ollama) и 1234 (LM Studio).</translation>
    </message>
    <message numerus="yes">
        <source>%n model(s)</source>
        <translation>
            <numerusform>%n модель</numerusform>
            <numerusform>%n модели</numerusform>
            <numerusform>%n моделей</numerusform>
        </translation>
    </message>
    <message>
        <source>Use</source>
        <translation>Использовать</translation>
    </message>
</context>
</TS>
