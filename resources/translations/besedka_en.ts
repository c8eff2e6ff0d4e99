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
</TS>
