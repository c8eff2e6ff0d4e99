<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>HistoryActions</name>
    <message numerus="yes">
        <source>Backed up %n chat(s) to {0}</source>
        <translation>
            <numerusform>Backed up %n chat to {0}</numerusform>
            <numerusform>Backed up %n chats to {0}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported from {0}: %n chat(s)</source>
        <translation>
            <numerusform>Imported from {0}: %n chat</numerusform>
            <numerusform>Imported from {0}: %n chats</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n message(s)</source>
        <translation>
            <numerusform>, %n message</numerusform>
            <numerusform>, %n messages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n chat(s) were already here</source>
        <translation>
            <numerusform>; %n chat was already here</numerusform>
            <numerusform>; %n chats were already here</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; left out %n system, tool or non-text message(s)</source>
        <translation>
            <numerusform>; left out %n system, tool or non-text message</numerusform>
            <numerusform>; left out %n system, tool or non-text messages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; left out %n image(s) or attachment(s)</source>
        <translation>
            <numerusform>; left out %n image or attachment</numerusform>
            <numerusform>; left out %n images or attachments</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n reply(s) were cut off when the app last closed; their text is kept.</source>
        <translation>
            <numerusform>%n reply was cut off when the app last closed; its text is kept.</numerusform>
            <numerusform>%n replies were cut off when the app last closed; their text is kept.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrashDialog</name>
    <message numerus="yes">
        <source>Deleted chats stay here for %n day(s), then they are deleted forever.</source>
        <translation>
            <numerusform>Deleted chats stay here for %n day, then they are deleted forever.</numerusform>
            <numerusform>Deleted chats stay here for %n days, then they are deleted forever.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n chat(s) in the trash forever?</source>
        <translation>
            <numerusform>Delete the %n chat in the trash forever?</numerusform>
            <numerusform>Delete all %n chats in the trash forever?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WelcomePanel</name>
    <message numerus="yes">
        <source>%n model(s)</source>
        <translation>
            <numerusform>%n model</numerusform>
            <numerusform>%n models</numerusform>
        </translation>
    </message>
</context>
</TS>
