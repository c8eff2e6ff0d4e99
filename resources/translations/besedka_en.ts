<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
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
</TS>
